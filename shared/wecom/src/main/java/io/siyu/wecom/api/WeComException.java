package io.siyu.wecom.api;

/**
 * WeCom answered with a non-zero {@code errcode}, or could not be reached. {@link #retryable()}
 * tells a queue whether trying again later can succeed (frequency limits, busy, unreachable);
 * everything else is a request or configuration problem that a retry would only repeat.
 */
public class WeComException extends RuntimeException {

    /** errcode used when WeCom could not be reached or answered something that is not its JSON. */
    public static final int UNAVAILABLE = -100;

    private final int errcode;
    private final String api;
    private final boolean retryable;

    public WeComException(String api, int errcode, String errmsg, boolean retryable) {
        super(api + " failed: errcode " + errcode + " (" + errmsg + ")");
        this.api = api;
        this.errcode = errcode;
        this.retryable = retryable;
    }

    public int errcode() {
        return errcode;
    }

    public String api() {
        return api;
    }

    public boolean retryable() {
        return retryable;
    }

    /** A frequency or concurrency limit (45009, 45033, ...): wait out the window, then retry. */
    public static final class RateLimited extends WeComException {
        public RateLimited(String api, int errcode, String errmsg) {
            super(api, errcode, errmsg, true);
        }
    }

    /**
     * A request that can change something (a POST) may have reached WeCom, but no WeCom answer
     * was read: a read timeout, an HTTP error from a gateway, a reply that is not WeCom's JSON.
     * WeCom may or may not have acted on it, so sending it again may do it twice. A connection
     * that could not be made is a plain {@link WeComException} instead: nothing was sent.
     */
    public static final class NoAnswer extends WeComException {
        public NoAnswer(String api, String reason) {
            super(api, UNAVAILABLE, reason, true);
        }
    }
}
