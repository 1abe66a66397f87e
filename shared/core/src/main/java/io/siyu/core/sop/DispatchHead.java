package io.siyu.core.sop;

/**
 * A sealed dispatch: one WeCom call for one sender, whose recipients are stored in
 * {@code pages} pages beside it (the claim check).
 */
public record DispatchHead(String key, RunId run, String sender, int number, ChatType chatType, Content content,
                           int recipients, int pages) {}
