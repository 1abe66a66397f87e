package io.siyu.core.sop;

import java.util.List;

/** Part of a dispatch's recipient list (external_userids, or chat ids for group sends). */
public record RecipientPage(String dispatchKey, int page, List<String> ids) {
    public RecipientPage {
        ids = List.copyOf(ids);
    }
}
