package io.siyu.core.rfm;

import java.time.Instant;

/**
 * A change of a customer's segment or lifecycle stage (the customer's history, and the
 * {@code RfmSegmentChanged} event). Null segment and stage mean "none" (no paid order).
 *
 * @param version the customer record's version this transition produced: its id in the history
 * @param scores the scores after the change (null when the customer has no paid order left)
 */
public record RfmTransition(long version, Instant at, Segment fromSegment, Segment toSegment,
                            LifecycleStage fromStage, LifecycleStage toStage, RfmScores scores, Reason reason) {

    public enum Reason {
        /** An order was created, changed or deleted (or moved to this customer). */
        ORDER,
        /** Time passed: a recency boundary was crossed, or the customer stopped being new. */
        RECENCY
    }
}
