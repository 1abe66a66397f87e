package io.siyu.core.ports;

import java.time.Instant;

/**
 * Claims a unit of work by its identity so that redeliveries do it once. A claim is a lease: if
 * the claimant dies without completing or releasing, another may take it over once it expires.
 */
public interface IdempotencyStore {

    enum Claim {
        /** The caller now owns the work and must {@link #complete} or {@link #release} it. */
        ACQUIRED,
        /** The work was done before: acknowledge and do nothing. */
        ALREADY_DONE,
        /** Someone else is doing it right now: ask to be retried later. */
        IN_PROGRESS
    }

    Claim claim(String key, Instant now);

    void complete(String key, Instant now);

    /** Gives up a claim so that a retry of the same work is not swallowed. */
    void release(String key);
}
