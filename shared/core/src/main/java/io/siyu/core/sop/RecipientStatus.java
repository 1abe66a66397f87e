package io.siyu.core.sop;

/**
 * Where one recipient of a step stands. Explicit, so that later knowledge (what staff confirmed,
 * what WeCom really delivered) becomes further transitions of the same state, with counters that
 * move only on a transition. A recipient in a dispatch follows its dispatch
 * ({@link #of(DispatchStatus)}) unless an exception is recorded for it.
 */
public enum RecipientStatus {
    /** In a dispatch that has not reached WeCom yet. */
    PLANNED,
    /** WeCom created the task; it reaches the customer once the sender confirms it in the client. */
    TASK_CREATED,
    /** The dispatch failed (see its {@link FailureReason}). */
    FAILED,
    /** In WeCom's {@code fail_list}: WeCom refused this recipient (invalid, or not sendable). */
    SKIPPED_WECOM_REFUSED,
    /** No longer a contact of the sender (LOST): skipped at planning, never sent. */
    SKIPPED_LOST,
    /** Added with 免验证 but not confirmed by the staff member (PENDING): skipped at planning. */
    SKIPPED_PENDING,
    /**
     * The recipient's local day was already claimed by another mass message (another SOP, step or
     * sender): skipped at planning, never sent (a journey recipient after the deferral bound too).
     */
    DAILY_LIMIT_PLANNED,
    /** A journey recipient whose day was taken, moved to the next free day within the bound (planned then). */
    DEFERRED,
    /** The sender confirmed and WeCom delivered it ({@code get_groupmsg_send_result} status 1). */
    SENT,
    /** The sender confirmed, but the customer is no longer their friend (status 2). */
    FAILED_NOT_FRIEND,
    /** The recipient had already received a mass message that day: WeCom skipped it (status 3). */
    SKIPPED_DAILY_LIMIT,
    /** Still not sent when the step's follow-up window ended (the sender never confirmed, or WeCom never sent). */
    UNCONFIRMED,
    /** An operator cancelled the task (cancel_groupmsg_send) before the sender confirmed it. */
    CANCELLED;

    /** The status a {@code get_groupmsg_send_result} row reports, empty for 0 (not sent yet) and unknown codes. */
    public static java.util.Optional<RecipientStatus> ofSendResult(int status) {
        return java.util.Optional.ofNullable(switch (status) {
            case 1 -> SENT;
            case 2 -> FAILED_NOT_FRIEND;
            case 3 -> SKIPPED_DAILY_LIMIT;
            default -> null;
        });
    }

    public static RecipientStatus of(DispatchStatus dispatch) {
        return switch (dispatch) {
            case PLANNED, SENDING -> PLANNED;
            case TASK_CREATED -> TASK_CREATED;
            case FAILED -> FAILED;
        };
    }
}
