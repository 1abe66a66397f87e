package io.siyu.wecom.callback;

/**
 * A callback request failed one of the protocol's checks. The check is named so a log line (and
 * the CLI) can say exactly what was wrong; no input is echoed back.
 */
public final class CallbackRejected extends RuntimeException {

    /** The checks, in the order they are made. */
    public enum Check {
        MISSING_PARAMETER,
        BODY_TOO_LARGE,
        MALFORMED_XML,
        TIMESTAMP,
        SIGNATURE,
        BASE64,
        CIPHERTEXT_LENGTH,
        PADDING,
        LENGTH_FIELD,
        RECEIVE_ID,
        ENCODING
    }

    private final Check check;

    public CallbackRejected(Check check, String detail) {
        super(check.name().toLowerCase(java.util.Locale.ROOT) + ": " + detail, null, false, false);
        this.check = check;
    }

    public Check check() {
        return check;
    }
}
