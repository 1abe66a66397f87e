package io.siyu.functions.admin.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.Map;

/**
 * One admin request after routing: path parameters, query, body, who is asking, and the request
 * headers (lower-case names, as HttpApi passes them).
 */
public record ApiRequest(String method, String path, Map<String, String> pathParameters, Map<String, String> query,
                         String body, String operator, ObjectMapper json, Map<String, String> headers) {

    public ApiRequest(String method, String path, Map<String, String> pathParameters, Map<String, String> query,
                      String body, String operator, ObjectMapper json) {
        this(method, path, pathParameters, query, body, operator, json, Map.of());
    }

    /** A request header by its lower-case name, or null. */
    public String header(String name) {
        return headers == null ? null : headers.get(name);
    }

    public String pathParameter(String name) {
        return pathParameters.get(name);
    }

    public String query(String name) {
        return query.get(name);
    }

    public String query(String name, String fallback) {
        String v = query.get(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    public int queryInt(String name, int fallback, int min, int max) {
        String v = query.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new ApiException(400, "invalid_request", name + " must be between " + min + " and " + max, Map.of(name, "out of range"));
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ApiException(400, "invalid_request", name + " must be a number", Map.of(name, "must be a number"));
        }
    }

    /** The JSON body as {@code type}; unknown fields and type mismatches are a 400 naming the field. */
    public <T> T body(Class<T> type) {
        if (body == null || body.isBlank()) {
            throw new ApiException(400, "invalid_request", "a JSON body is required");
        }
        try {
            T value = json.readValue(body, type);
            if (value == null) {
                throw new ApiException(400, "invalid_request", "a JSON object is required");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw new ApiException(400, "invalid_request", "unknown field " + e.getPropertyName(),
                    Map.of(e.getPropertyName(), "is not a known field"));
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? "body" : fieldPath(e);
            throw new ApiException(400, "invalid_request", field + " has the wrong type", Map.of(field, "has the wrong type"));
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "invalid_request", "the body is not valid JSON");
        }
    }

    public JsonNode jsonBody() {
        return body(JsonNode.class);
    }

    private static String fieldPath(com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
        StringBuilder path = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
