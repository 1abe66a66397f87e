package io.siyu.core.sop;

/** Why a dispatch FAILED. */
public enum FailureReason {
    /** WeCom refused the request with an errcode a retry would only repeat (wecom-api.md §10). */
    WECOM_ERROR,
    /** The dispatch cannot be sent as it is (its content breaks one of WeCom's limits); nothing was sent. */
    INVALID,
    /** WeCom kept answering with a frequency limit (45009 and friends) until the queue's last attempt. */
    RETRIES_EXHAUSTED,
    /**
     * The request may have reached WeCom but no answer came back (or the sender died mid-call):
     * WeCom may have created the task, so it is not sent again.
     */
    OUTCOME_UNKNOWN
}
