package io.siyu.wecom.api;

import java.util.Set;

/** How Siyu treats WeCom's error codes (docs: wecom-api.md §3, §10). */
final class WeComErrors {

    /** The access_token is invalid or expired: refresh it and try the call once more. */
    static final Set<Integer> TOKEN_EXPIRED = Set.of(40014, 42001, 42007, 42009);

    /** Frequency and concurrency limits: retryable, after the window. */
    static final Set<Integer> RATE_LIMITED = Set.of(45009, 45033, 45011, 45047);

    /** Busy or dispatching: retryable. */
    static final Set<Integer> TRANSIENT = Set.of(-1, 41063);

    private WeComErrors() {}

    static WeComException of(String api, int errcode, String errmsg) {
        if (RATE_LIMITED.contains(errcode)) {
            return new WeComException.RateLimited(api, errcode, errmsg);
        }
        return new WeComException(api, errcode, errmsg, TRANSIENT.contains(errcode));
    }
}
