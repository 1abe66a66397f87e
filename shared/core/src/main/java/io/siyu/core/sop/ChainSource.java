package io.siyu.core.sop;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Where one planning chain reads its recipients. A run has one chain per source: a broadcast one
 * per sender, a journey one per fire minute. The id is part of every key the chain writes.
 */
public sealed interface ChainSource {

    String id();

    /** A sender's customers (the ByStaff index). */
    record Staff(String userId) implements ChainSource {
        @Override
        public String id() {
            return "S:" + userId;
        }
    }

    /** A sender's customer groups, as the run's audience lists them. */
    record Groups(String sender) implements ChainSource {
        @Override
        public String id() {
            return "G:" + sender;
        }
    }

    /**
     * The relationships whose journey step fires in the minute starting at {@code bucket}: added on
     * local day {@code day} with {@code from <= addedAt < to} (the ByAddedDay index).
     */
    record Added(Instant bucket, LocalDate day, Instant from, Instant to) implements ChainSource {
        @Override
        public String id() {
            return "J:" + SopTime.local(bucket);
        }
    }

    /**
     * The journey recipients of a run deferred to the minute starting at {@code bucket} because
     * their own day was taken (their claim on this day is already made).
     */
    record Deferred(Instant bucket) implements ChainSource {
        @Override
        public String id() {
            return "D:" + SopTime.local(bucket);
        }
    }
}
