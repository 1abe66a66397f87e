package io.siyu.emulators.lambda;

/** A function cannot be loaded from the template: no jar, no handler class, not a handler. */
public final class FunctionLoadException extends RuntimeException {
    public FunctionLoadException(String message) {
        super(message);
    }
}
