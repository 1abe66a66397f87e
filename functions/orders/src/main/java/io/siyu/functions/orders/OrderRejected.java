package io.siyu.functions.orders;

import java.util.Map;

/** A request the order ingest refuses: nothing was written. Carries the HTTP status, a stable code and per-field messages. */
final class OrderRejected extends RuntimeException {

    private final int status;
    private final String code;
    private final Map<String, String> fields;

    OrderRejected(int status, String code, String message, Map<String, String> fields) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.fields = Map.copyOf(fields);
    }

    OrderRejected(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    Map<String, String> fields() {
        return fields;
    }
}
