package io.siyu.core.sop;

/**
 * The corp's figures of one local day under WeCom's one-mass-message-a-day rule (wecom-api.md §9),
 * moved in the chain commits that make the decisions they count.
 *
 * @param planned recipients put into dispatches for this day: each holds the day's claim, so this
 *     is the day's planned sends against the capacity of one per customer (and per group)
 * @param deferredIn journey recipients moved to this day from an earlier one (their claim is
 *     made; they are counted in {@code planned} when their deferred chain plans them)
 * @param deferredOut journey recipients moved away from this day because it was taken
 * @param skipped recipients not planned because this day was taken (DAILY_LIMIT_PLANNED)
 */
public record DayCounters(long planned, long deferredIn, long deferredOut, long skipped) {

    public static final DayCounters ZERO = new DayCounters(0, 0, 0, 0);

    public DayCounters plus(DayCounters o) {
        return new DayCounters(planned + o.planned, deferredIn + o.deferredIn, deferredOut + o.deferredOut, skipped + o.skipped);
    }

    public boolean isZero() {
        return equals(ZERO);
    }
}
