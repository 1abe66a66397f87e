package io.siyu.core.sop;

import java.time.Instant;
import java.util.Optional;

/** The planner's state: its cursor, runs, and planning chains. */
public interface PlanningStore {

    /** The first planning minute not planned yet; empty before the first tick. */
    Optional<Instant> nextMinute(String corpId);

    /** Moves the cursor if it is still at {@code expected}; false when another planner moved it. */
    boolean advance(String corpId, Optional<Instant> expected, Instant next);

    /**
     * Creates a run with its snapshot and zero counters, or refreshes the snapshot of an existing
     * run planned from an older SOP version (its counters stay).
     */
    void saveRun(Run run);

    Optional<Run> run(RunId id);

    enum ChainCreated { CREATED, EXISTS_UNSTARTED, EXISTS_STARTED }

    /** Creates a chain and counts it on its run, once; an existing chain is left as it is. */
    ChainCreated createChain(Chain chain);

    Optional<Chain> chain(String key);

    /**
     * Writes a commit atomically; {@link ChainMoved} when the chain is no longer at the commit's
     * expected seq (another invocation committed first): nothing is written then.
     */
    void commit(ChainCommit commit);

    /** The queue messages of the dispatches sealed at {@code seq} were sent. */
    void sent(String chainKey, long seq);

    final class ChainMoved extends RuntimeException {
        public ChainMoved(String chainKey) {
            super("chain " + chainKey + " moved on", null, false, false);
        }
    }
}
