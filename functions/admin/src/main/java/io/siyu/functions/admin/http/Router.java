package io.siyu.functions.admin.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.lambda.HttpRequests;
import io.siyu.lambda.HttpResponses;
import io.siyu.wecom.api.WeComException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches HttpApi events to admin routes and turns every outcome into JSON: a refused request
 * is a 4xx with a code, a sentence and per-field messages; a WeCom failure is a 502 with WeCom's
 * errcode; anything unexpected is a 500 that says nothing of its cause (the log line does).
 */
public final class Router {

    static final int MAX_BODY_BYTES = 256 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private final List<Route> routes;
    private final ObjectMapper json;

    public Router(List<Route> routes, ObjectMapper json) {
        this.routes = List.copyOf(routes);
        this.json = json;
    }

    public List<Route> routes() {
        return routes;
    }

    public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
        String method = HttpRequests.method(event);
        String path = event.getRawPath() == null ? "" : event.getRawPath();
        try {
            boolean pathKnown = false;
            for (Route route : routes) {
                Map<String, String> params = route.match(path);
                if (params == null) {
                    continue;
                }
                pathKnown = true;
                if (!route.method().equals(method)) {
                    continue;
                }
                String body = new String(HttpRequests.body(event, MAX_BODY_BYTES), StandardCharsets.UTF_8);
                ApiRequest request = new ApiRequest(method, path, params, query(event), body, operator(event), json, headers(event));
                return respond(route.handler().apply(request));
            }
            if (pathKnown) {
                throw new ApiException(405, "method_not_allowed", method + " is not allowed on " + path);
            }
            throw new ApiException(404, "not_found", "no such route: " + method + " " + path);
        } catch (ApiException e) {
            if (e.status() >= 500) {
                LOG.error("admin {} {} failed: {}", method, path, e.getMessage());
            }
            return error(e.status(), e.code(), e.getMessage(), e.fields());
        } catch (HttpRequests.BodyTooLarge e) {
            return error(413, "body_too_large", "the request body is larger than " + MAX_BODY_BYTES + " bytes", Map.of());
        } catch (WeComException e) {
            LOG.warn("admin {} {}: WeCom {} answered errcode {}", method, path, e.api(), e.errcode());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("code", "wecom_error");
            body.put("message", "WeCom refused the request (" + e.api() + " errcode " + e.errcode() + ")");
            body.put("wecomErrcode", e.errcode());
            return HttpResponses.json(502, Map.of("error", body));
        } catch (RuntimeException e) {
            LOG.error("admin {} {} failed unexpectedly", method, path, e);
            return error(500, "internal_error", "the request failed; see the logs for its request id", Map.of());
        }
    }

    private APIGatewayV2HTTPResponse respond(ApiResponse response) {
        if (response.body() instanceof APIGatewayV2HTTPResponse raw) {
            return raw; // not JSON: the console's static files (ConsoleAssets)
        }
        if (response.body() == null) {
            return HttpResponses.empty(response.status());
        }
        try {
            return HttpResponses.json(response.status(), json.writeValueAsString(response.body()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response not serialisable", e);
        }
    }

    private static APIGatewayV2HTTPResponse error(int status, String code, String message, Map<String, String> fields) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        if (!fields.isEmpty()) {
            error.put("fields", fields);
        }
        return HttpResponses.json(status, Map.of("error", error));
    }

    private static Map<String, String> headers(APIGatewayV2HTTPEvent event) {
        if (event.getHeaders() == null) {
            return Map.of();
        }
        Map<String, String> out = new java.util.HashMap<>();
        event.getHeaders().forEach((k, v) -> out.put(k.toLowerCase(java.util.Locale.ROOT), v));
        return out;
    }

    private static Map<String, String> query(APIGatewayV2HTTPEvent event) {
        return event.getQueryStringParameters() == null ? Map.of() : event.getQueryStringParameters();
    }

    /** Who is asking: the JWT subject the HttpApi authoriser verified (the local stack sets one too). */
    private static String operator(APIGatewayV2HTTPEvent event) {
        var ctx = event.getRequestContext();
        if (ctx != null && ctx.getAuthorizer() != null && ctx.getAuthorizer().getJwt() != null
                && ctx.getAuthorizer().getJwt().getClaims() != null) {
            Map<String, String> claims = ctx.getAuthorizer().getJwt().getClaims();
            return claims.getOrDefault("email", claims.getOrDefault("sub", "unknown"));
        }
        return "unknown";
    }
}
