package io.siyu.core.sop;

/**
 * Where one WeCom call (one sender, up to the per-call maximum of recipients) stands. The sender
 * moves it with conditional writes: PLANNED → SENDING (the marker, before calling WeCom) →
 * TASK_CREATED or FAILED; SENDING → PLANNED again only when WeCom answered that it did nothing
 * (a frequency limit), so the retry cannot create a second task.
 */
public enum DispatchStatus {
    PLANNED,
    SENDING,
    TASK_CREATED,
    FAILED;

    public boolean finished() {
        return this == TASK_CREATED || this == FAILED;
    }
}
