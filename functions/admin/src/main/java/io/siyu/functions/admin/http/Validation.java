package io.siyu.functions.admin.http;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Collects every field error of a request, then refuses it once with all of them. */
public final class Validation {

    private final Map<String, String> errors = new LinkedHashMap<>();

    public Validation required(String field, Object value) {
        if (value == null || (value instanceof String s && s.isBlank())
                || (value instanceof Collection<?> c && c.isEmpty())) {
            errors.putIfAbsent(field, "is required");
        }
        return this;
    }

    public Validation check(boolean ok, String field, String message) {
        if (!ok) {
            errors.putIfAbsent(field, message);
        }
        return this;
    }

    public Validation maxLength(String field, String value, int max) {
        if (value != null && value.codePointCount(0, value.length()) > max) {
            errors.putIfAbsent(field, "must be at most " + max + " characters");
        }
        return this;
    }

    public boolean hasError(String field) {
        return errors.containsKey(field);
    }

    /** Throws a 400 naming every failed field, if any failed. */
    public void orThrow() {
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
    }
}
