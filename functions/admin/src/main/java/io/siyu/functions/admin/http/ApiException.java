package io.siyu.functions.admin.http;

import java.util.Map;

/**
 * A request the admin API refuses, with the status, a stable code, a sentence for the operator,
 * and, for validation errors, a message per field (the console shows each next to its field).
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final Map<String, String> fields;

    public ApiException(int status, String code, String message, Map<String, String> fields) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.fields = Map.copyOf(fields);
    }

    public ApiException(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " does not exist");
    }

    public static ApiException invalid(Map<String, String> fields) {
        String first = fields.entrySet().iterator().next().getKey() + " " + fields.entrySet().iterator().next().getValue();
        return new ApiException(400, "invalid_request", fields.size() == 1 ? first : first + " (and " + (fields.size() - 1) + " more)", fields);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, "conflict", message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, String> fields() {
        return fields;
    }
}
