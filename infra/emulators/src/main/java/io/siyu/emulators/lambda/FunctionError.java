package io.siyu.emulators.lambda;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An invocation failed as the Lambda runtime reports it: {@code errorType} (the exception's class)
 * and {@code errorMessage}. Event sources decide from this what to retry.
 */
public final class FunctionError extends RuntimeException {

    private final String errorType;

    public FunctionError(String errorType, String errorMessage, Throwable cause) {
        super(errorMessage, cause);
        this.errorType = errorType;
    }

    public String errorType() {
        return errorType;
    }

    public String errorMessage() {
        return getMessage();
    }

    /** The error payload the runtime returns ({@code {"errorMessage", "errorType"}}). */
    public Map<String, Object> payload() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("errorMessage", getMessage());
        p.put("errorType", errorType);
        return p;
    }
}
