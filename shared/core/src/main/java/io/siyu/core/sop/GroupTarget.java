package io.siyu.core.sop;

import java.util.List;

/** For {@code chat_type: group}: a sender and the customer groups (chat ids) it sends to. */
public record GroupTarget(String sender, List<String> chatIds) {
    public GroupTarget {
        chatIds = List.copyOf(chatIds);
    }
}
