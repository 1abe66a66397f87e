package io.siyu.core.sop;

/** Who a step is sent to (WeCom's {@code chat_type}, wecom-api.md §9). */
public enum ChatType {
    /** Customers, up to 10,000 external_userid per call. */
    SINGLE,
    /** Customer groups, up to 2,000 chat ids per call. */
    GROUP
}
