package io.siyu.emulators.lambda;

/** The handler's constructor failed (Lambda's init phase): usually missing configuration. */
public final class FunctionInitException extends RuntimeException {
    public FunctionInitException(String message, Throwable cause) {
        super(message, cause);
    }
}
