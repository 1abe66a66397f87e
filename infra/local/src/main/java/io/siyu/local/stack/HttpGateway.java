package io.siyu.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.siyu.emulators.lambda.FunctionError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the stack on one port: the template's HttpApi routes (each request becomes a
 * payload format 2.0 event for the route's function), the local control API under {@code /_local/}
 * and, with SIYU_CONSOLE_DIR, static files under {@code /console/} from that folder (otherwise the
 * console is the admin function's own route, as in AWS). Routes with an authorizer need
 * {@code Authorization: Bearer $SIYU_ADMIN_TOKEN}, as the JWT authorizer needs a valid token in
 * AWS, and the handler then finds the claims in {@code requestContext.authorizer.jwt}.
 */
final class HttpGateway implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(HttpGateway.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** HTTP API's payload limit. */
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    /** The claims the local authorizer vouches for (API Gateway passes the JWT's claims as strings). */
    static final Map<String, String> LOCAL_CLAIMS = Map.of("sub", "local-admin", "iss", "siyu-local", "token_use", "access");

    /** A handler for the control API: returns a status and a JSON body. */
    interface Control {
        Reply handle(String method, String path, Map<String, String> query, byte[] body) throws InterruptedException;
    }

    record Reply(int status, JsonNode body) {}

    private final List<HttpRoute> routes;
    private final Map<String, LocalFunction> functions;
    private final byte[] adminToken;
    private final Control control;
    private final Path consoleDir;
    private final Consumer<Delivered> beforeInvoke;
    private final Clock clock;

    /** A request about to be handed to a function (the WeCom stub reads callbacks from these). */
    record Delivered(String method, Map<String, String> query, byte[] body) {}

    HttpGateway(List<HttpRoute> routes, Map<String, LocalFunction> functions, String adminToken, Control control,
                Path consoleDir, Consumer<Delivered> beforeInvoke, Clock clock) {
        this.routes = routes.stream().sorted(Comparator.comparingInt(HttpRoute::specificity).reversed()).toList();
        this.functions = functions;
        this.adminToken = adminToken.getBytes(StandardCharsets.UTF_8);
        this.control = control;
        this.consoleDir = consoleDir;
        this.beforeInvoke = beforeInvoke;
        this.clock = clock;
    }

    List<HttpRoute> routes() {
        return routes;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (path.startsWith("/_local/")) {
                control(exchange, path);
            } else if (consoleDir != null && (path.equals("/console") || path.startsWith("/console/"))) {
                // SIYU_CONSOLE_DIR: a folder instead of the template's console routes (front-end work).
                staticFile(exchange, path);
            } else {
                api(exchange, path);
            }
        } catch (RuntimeException e) {
            LOG.error("request {} {} broke the gateway", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        }
    }

    private void api(HttpExchange exchange, String path) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        HttpRoute route = null;
        Map<String, String> params = null;
        for (HttpRoute r : routes) {
            Map<String, String> p = r.match(path);
            if (p != null && r.acceptsMethod(method)) {
                route = r;
                params = p;
                break;
            }
        }
        if (route == null) {
            send(exchange, 404, Map.of("content-type", List.of("application/json")), "{\"message\":\"Not Found\"}");
            return;
        }
        Map<String, String> claims = null;
        if (route.authorizer() != null) {
            if (!authorised(exchange)) {
                Map<String, List<String>> h = new LinkedHashMap<>();
                h.put("content-type", List.of("application/json"));
                h.put("www-authenticate", List.of("Bearer"));
                send(exchange, 401, h, "{\"message\":\"Unauthorized\"}");
                return;
            }
            claims = LOCAL_CLAIMS;
        }
        byte[] body = read(exchange);
        if (body == null) {
            send(exchange, 413, Map.of("content-type", List.of("application/json")), "{\"message\":\"Request Entity Too Large\"}");
            return;
        }
        String requestId = Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.util.UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
        ApiGatewayEvents.Request request = new ApiGatewayEvents.Request(method, path, exchange.getRequestURI().getRawQuery(),
                exchange.getRequestHeaders(), body, exchange.getRemoteAddress().getAddress().getHostAddress(),
                host(exchange), requestId, clock.instant());
        if (beforeInvoke != null) {
            beforeInvoke.accept(new Delivered(method, ApiGatewayEvents.query(exchange.getRequestURI().getRawQuery()), body));
        }
        LocalFunction function = functions.get(route.functionId());
        long started = System.nanoTime();
        ApiGatewayEvents.Response response;
        try {
            response = ApiGatewayEvents.response(function.invoke(ApiGatewayEvents.event(request, route, params, claims)));
        } catch (FunctionError e) {
            LOG.error("{} {} -> {} failed: {}: {}", method, path, function.name(), e.errorType(), e.errorMessage());
            send(exchange, 500, Map.of("content-type", List.of("application/json")), "{\"message\":\"Internal Server Error\"}");
            return;
        }
        LOG.info("{} {} -> {} {} ({} ms)", method, path, function.name(), response.status(),
                (System.nanoTime() - started) / 1_000_000);
        Map<String, List<String>> headers = new LinkedHashMap<>(response.headers());
        headers.put("apigw-requestid", List.of(requestId));
        send(exchange, response.status(), headers, response.body());
    }

    private void control(HttpExchange exchange, String path) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        if (!path.equals("/_local/health") && !authorised(exchange)) {
            send(exchange, 401, Map.of("content-type", List.of("application/json"), "www-authenticate", List.of("Bearer")),
                    "{\"message\":\"Unauthorized: the control API needs Authorization: Bearer $SIYU_ADMIN_TOKEN\"}");
            return;
        }
        byte[] body = read(exchange);
        Reply reply;
        try {
            reply = control.handle(method, path, ApiGatewayEvents.query(exchange.getRequestURI().getRawQuery()),
                    body == null ? new byte[0] : body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reply = new Reply(503, JSON.createObjectNode().put("message", "stack is stopping"));
        } catch (IllegalArgumentException e) {
            reply = new Reply(400, JSON.createObjectNode().put("message", e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("control {} {} failed", method, path, e);
            reply = new Reply(500, JSON.createObjectNode().put("message", e.toString()));
        }
        send(exchange, reply.status(), Map.of("content-type", List.of("application/json")), JSON.writeValueAsBytes(reply.body()));
    }

    /** Files under SIYU_CONSOLE_DIR; index.html for folders. */
    private void staticFile(HttpExchange exchange, String path) throws IOException {
        if (!Files.isDirectory(consoleDir)) {
            send(exchange, 404, Map.of("content-type", List.of("text/plain; charset=utf-8")),
                    "the console is not built (no " + consoleDir + ")\n");
            return;
        }
        if (path.equals("/console")) {
            send(exchange, 301, Map.of("location", List.of("/console/")), "");
            return;
        }
        String relative = path.equals("/console") ? "" : path.substring("/console/".length());
        Path file = consoleDir.resolve(java.net.URLDecoder.decode(relative, StandardCharsets.UTF_8)).normalize();
        if (!file.startsWith(consoleDir.normalize())) {
            send(exchange, 404, Map.of(), "");
            return;
        }
        if (Files.isDirectory(file)) {
            file = file.resolve("index.html");
        }
        if (!Files.isRegularFile(file)) {
            send(exchange, 404, Map.of("content-type", List.of("text/plain; charset=utf-8")), "not found\n");
            return;
        }
        String type = Files.probeContentType(file);
        if (type == null) {
            String name = file.getFileName().toString();
            type = name.endsWith(".js") ? "text/javascript; charset=utf-8" : name.endsWith(".css") ? "text/css; charset=utf-8"
                    : name.endsWith(".html") ? "text/html; charset=utf-8" : "application/octet-stream";
        }
        send(exchange, 200, Map.of("content-type", List.of(type), "cache-control", List.of("no-cache")), Files.readAllBytes(file));
    }

    private boolean authorised(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || header.length() < 7 || !header.substring(0, 7).equalsIgnoreCase("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(header.substring(7).strip().getBytes(StandardCharsets.UTF_8), adminToken);
    }

    /** The body, or null when it is over the limit. */
    private static byte[] read(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            return body.length > MAX_BODY_BYTES ? null : body;
        }
    }

    private static String host(HttpExchange exchange) {
        String host = exchange.getRequestHeaders().getFirst("Host");
        return host == null ? "localhost" : host;
    }

    private static void send(HttpExchange exchange, int status, Map<String, List<String>> headers, String body) throws IOException {
        send(exchange, status, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, Map<String, List<String>> headers, byte[] body) throws IOException {
        headers.forEach((name, values) -> exchange.getResponseHeaders().put(name, new ArrayList<>(values)));
        if (body.length == 0) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
