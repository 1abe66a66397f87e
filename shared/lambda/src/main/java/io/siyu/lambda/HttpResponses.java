package io.siyu.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** Responses for HttpApi (payload format 2.0) handlers. Errors never carry an exception's text. */
public final class HttpResponses {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpResponses() {}

    public static APIGatewayV2HTTPResponse empty(int status) {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status).withBody("")
                .withHeaders(Map.of("Content-Type", "text/plain; charset=utf-8")).build();
    }

    public static APIGatewayV2HTTPResponse text(int status, String body) {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status).withBody(body)
                .withHeaders(Map.of("Content-Type", "text/plain; charset=utf-8")).build();
    }

    public static APIGatewayV2HTTPResponse json(int status, String body) {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status).withBody(body)
                .withHeaders(Map.of("Content-Type", "application/json")).build();
    }

    public static APIGatewayV2HTTPResponse json(int status, Object value) {
        try {
            return json(status, JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("response is not serialisable", e);
        }
    }

    /** {@code {"error": {"code": ..., "message": ...}}}: a stable code for programs, a sentence for people. */
    public static APIGatewayV2HTTPResponse error(int status, String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        return json(status, Map.of("error", error));
    }
}
