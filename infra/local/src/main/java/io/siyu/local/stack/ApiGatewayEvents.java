package io.siyu.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * API Gateway HTTP API events (payload format 2.0) as API Gateway writes them, and the function's
 * answer read back as API Gateway reads it. Field by field from the payload format 2.0 reference:
 * lower-case header names with repeated values joined by commas, cookies moved out of the headers,
 * repeated query parameters joined by commas, text bodies as text and anything else base64.
 */
public final class ApiGatewayEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private ApiGatewayEvents() {}

    /** An incoming HTTP request, as the server saw it. */
    public record Request(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body,
                          String sourceIp, String domainName, String requestId, Instant time) {}

    /** What the function answered, as API Gateway turns it into an HTTP response. */
    public record Response(int status, Map<String, List<String>> headers, byte[] body) {}

    /**
     * The event for a request matched to {@code route}.
     *
     * @param jwtClaims the verified token's claims for routes with an authorizer, else null
     */
    public static String event(Request request, HttpRoute route, Map<String, String> pathParameters,
                               Map<String, String> jwtClaims) {
        ObjectNode e = JSON.createObjectNode();
        e.put("version", "2.0");
        e.put("routeKey", route.routeKey());
        e.put("rawPath", request.rawPath());
        e.put("rawQueryString", request.rawQuery() == null ? "" : request.rawQuery());
        ObjectNode headers = JSON.createObjectNode();
        List<String> cookies = new ArrayList<>();
        request.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("cookie")) {
                values.forEach(v -> {
                    for (String c : v.split(";")) {
                        if (!c.isBlank()) {
                            cookies.add(c.strip());
                        }
                    }
                });
            } else {
                String joined = String.join(",", values);
                headers.put(lower, headers.has(lower) ? headers.get(lower).asText() + "," + joined : joined);
            }
        });
        if (!cookies.isEmpty()) {
            ArrayNode c = e.putArray("cookies");
            cookies.forEach(c::add);
        }
        e.set("headers", headers);
        Map<String, String> query = query(request.rawQuery());
        if (!query.isEmpty()) {
            e.set("queryStringParameters", JSON.valueToTree(query));
        }
        if (pathParameters != null && !pathParameters.isEmpty()) {
            e.set("pathParameters", JSON.valueToTree(pathParameters));
        }
        ObjectNode ctx = e.putObject("requestContext");
        ctx.put("accountId", "000000000000");
        ctx.put("apiId", "local");
        if (jwtClaims != null) {
            ObjectNode jwt = ctx.putObject("authorizer").putObject("jwt");
            jwt.set("claims", JSON.valueToTree(jwtClaims));
            jwt.putNull("scopes");
        }
        ctx.put("domainName", request.domainName());
        ctx.put("domainPrefix", request.domainName().split("[.:]")[0]);
        ObjectNode http = ctx.putObject("http");
        http.put("method", request.method());
        http.put("path", URLDecoder.decode(request.rawPath().replace("+", "%2B"), StandardCharsets.UTF_8));
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", request.sourceIp());
        http.put("userAgent", headers.path("user-agent").asText(""));
        ctx.put("requestId", request.requestId());
        ctx.put("routeKey", route.routeKey());
        ctx.put("stage", "$default");
        ctx.put("time", REQUEST_TIME.format(request.time()));
        ctx.put("timeEpoch", request.time().toEpochMilli());
        byte[] body = request.body();
        if (body != null && body.length > 0) {
            if (isText(headers.path("content-type").asText(null))) {
                e.put("body", new String(body, StandardCharsets.UTF_8));
                e.put("isBase64Encoded", false);
            } else {
                e.put("body", Base64.getEncoder().encodeToString(body));
                e.put("isBase64Encoded", true);
            }
        } else {
            e.put("isBase64Encoded", false);
        }
        return e.toString();
    }

    /**
     * Payload format 2.0 responses: an object with {@code statusCode} is taken field by field;
     * anything else is a 200 {@code application/json} whose body is the function's output.
     */
    public static Response response(String functionOutput) {
        JsonNode out;
        try {
            out = JSON.readTree(functionOutput);
        } catch (IOException e) {
            out = null;
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (out == null || !out.isObject() || !out.has("statusCode")) {
            headers.put("content-type", List.of("application/json"));
            return new Response(200, headers, functionOutput.getBytes(StandardCharsets.UTF_8));
        }
        out.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), List.of(h.getValue().asText())));
        out.path("multiValueHeaders").fields().forEachRemaining(h -> {
            List<String> values = new ArrayList<>();
            h.getValue().forEach(v -> values.add(v.asText()));
            headers.put(h.getKey(), values);
        });
        List<String> setCookies = new ArrayList<>();
        out.path("cookies").forEach(c -> setCookies.add(c.asText()));
        if (!setCookies.isEmpty()) {
            headers.put("set-cookie", setCookies);
        }
        JsonNode bodyNode = out.get("body");
        String body = bodyNode == null || bodyNode.isNull() ? "" : bodyNode.isTextual() ? bodyNode.asText() : bodyNode.toString();
        boolean base64 = out.path("isBase64Encoded").asBoolean(false) || out.path("base64Encoded").asBoolean(false);
        byte[] bytes = base64 ? Base64.getMimeDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
        return new Response(out.path("statusCode").asInt(500), headers, bytes);
    }

    /** Query parameters as HTTP API gives them: decoded, a repeated name's values joined by commas. */
    static Map<String, String> query(String rawQuery) {
        Map<String, String> q = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return q;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.merge(name, value, (a, b) -> a + "," + b);
        }
        return q;
    }

    /** Content types API Gateway passes as text; everything else (and no type at all) is base64. */
    static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String t = contentType.toLowerCase(Locale.ROOT).split(";")[0].strip();
        return t.startsWith("text/") || t.endsWith("/json") || t.endsWith("+json") || t.endsWith("/xml")
                || t.endsWith("+xml") || t.equals("application/javascript") || t.equals("application/x-www-form-urlencoded");
    }
}
