package io.siyu.core.sop;

/**
 * A run's figures, each moved exactly once per transition (in the same transaction as the
 * transition). The audience of a run is {@code planned + skippedLost + skippedPending +
 * skippedDailyLimitPlanned + deferredWaiting()}: a recipient whose local day was already claimed
 * by another mass message is skipped ({@code skippedDailyLimitPlanned}, broadcasts, or journeys
 * past the deferral bound) or, for journeys, {@code deferred} to a later day, where the run's
 * deferred chain plans it (then counted in {@code deferredResolved} and in planned or a skip). Every
 * planned recipient ends up {@code sent}, {@code failed} or {@code skippedRefused}, and until then
 * is {@link #inFlight()}. {@code sent} means WeCom created the task (it still waits for the
 * sender's confirmation in the WeCom client).
 */
public record RunCounters(long planned, long sent, long failed, long skippedLost, long skippedPending, long skippedRefused,
                          long chains, long chainsDone, long dispatches, long dispatchesDone, long skippedDailyLimitPlanned,
                          long deferred, long deferredResolved) {

    public static final RunCounters ZERO = new RunCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Counters without the daily-limit figures (those zero). */
    public RunCounters(long planned, long sent, long failed, long skippedLost, long skippedPending, long skippedRefused,
                       long chains, long chainsDone, long dispatches, long dispatchesDone) {
        this(planned, sent, failed, skippedLost, skippedPending, skippedRefused, chains, chainsDone, dispatches, dispatchesDone, 0, 0, 0);
    }

    /** Deferred recipients whose later day has not been planned yet. */
    public long deferredWaiting() {
        return deferred - deferredResolved;
    }

    public long skipped() {
        return skippedLost + skippedPending + skippedRefused;
    }

    public long inFlight() {
        return planned - sent - failed - skippedRefused;
    }

    public RunCounters plus(RunCounters o) {
        return new RunCounters(planned + o.planned, sent + o.sent, failed + o.failed, skippedLost + o.skippedLost,
                skippedPending + o.skippedPending, skippedRefused + o.skippedRefused, chains + o.chains,
                chainsDone + o.chainsDone, dispatches + o.dispatches, dispatchesDone + o.dispatchesDone,
                skippedDailyLimitPlanned + o.skippedDailyLimitPlanned, deferred + o.deferred, deferredResolved + o.deferredResolved);
    }

    public boolean isZero() {
        return equals(ZERO);
    }
}
