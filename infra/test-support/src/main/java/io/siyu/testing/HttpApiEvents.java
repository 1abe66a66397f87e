package io.siyu.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * HttpApi (payload format 2.0) events for handler tests, made from a real API Gateway event
 * (fixtures/apigw/http-api-v2.json, loaded by aws-lambda-java-tests' EventLoader) with the
 * method, path, query, headers and body of the request under test.
 */
public final class HttpApiEvents {

    private final APIGatewayV2HTTPEvent event;

    private HttpApiEvents(String method, String path) {
        event = EventLoader.loadApiGatewayHttpEvent("fixtures/apigw/http-api-v2.json");
        event.getRequestContext().getHttp().setMethod(method);
        event.getRequestContext().getHttp().setPath(path);
        event.setRawPath(path);
        event.setRouteKey(method + " " + path);
        event.getRequestContext().setRouteKey(method + " " + path);
        event.setHeaders(new HashMap<>(event.getHeaders()));
    }

    public static HttpApiEvents request(String method, String path) {
        return new HttpApiEvents(method, path);
    }

    public HttpApiEvents query(Map<String, String> query) {
        event.setQueryStringParameters(query == null ? null : new LinkedHashMap<>(query));
        event.setRawQueryString(query == null ? "" : query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")));
        return this;
    }

    public HttpApiEvents header(String name, String value) {
        event.getHeaders().put(name.toLowerCase(java.util.Locale.ROOT), value);
        return this;
    }

    public HttpApiEvents body(String body) {
        event.setBody(body);
        event.setIsBase64Encoded(false);
        event.getHeaders().put("content-length", Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
        return this;
    }

    public HttpApiEvents base64Body(String base64) {
        event.setBody(base64);
        event.setIsBase64Encoded(true);
        return this;
    }

    public HttpApiEvents pathParameters(Map<String, String> params) {
        event.setPathParameters(params);
        return this;
    }

    public APIGatewayV2HTTPEvent build() {
        return event;
    }
}
