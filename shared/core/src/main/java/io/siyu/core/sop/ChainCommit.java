package io.siyu.core.sop;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Everything one page of a chain changes, written atomically: the chain's new state (only if
 * it is still at {@code expectedSeq}), recipient pages, sealed dispatches, the run's counters and
 * the corp's per-day figures of the one-a-day rule.
 */
public record ChainCommit(long expectedSeq, Chain next, List<RecipientPage> pages, List<DispatchHead> sealed,
                          RunCounters delta, Map<LocalDate, DayCounters> days) {
    public ChainCommit {
        pages = List.copyOf(pages);
        sealed = List.copyOf(sealed);
        days = Map.copyOf(days);
    }

    public ChainCommit(long expectedSeq, Chain next, List<RecipientPage> pages, List<DispatchHead> sealed, RunCounters delta) {
        this(expectedSeq, next, pages, sealed, delta, Map.of());
    }
}
