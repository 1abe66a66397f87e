package io.siyu.core.sop;

/** What an SOP's steps are relative to. */
public enum SopKind {
    /** Steps at a local date and time, or on a cron-like recurrence, to the whole audience at once. */
    BROADCAST,
    /** Steps relative to when each customer was added (an offset, or day N at a local time). */
    JOURNEY
}
