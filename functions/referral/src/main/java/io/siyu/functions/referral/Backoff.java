package io.siyu.functions.referral;

import java.util.random.RandomGenerator;

/**
 * Waits a little before retrying a write that lost a race: full jitter over an exponentially
 * growing window (5 ms, 10 ms, ... capped at 200 ms), so writers colliding on a popular inviter's
 * counter spread out instead of colliding again.
 */
final class Backoff {

    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private static final long BASE_MILLIS = 5;
    private static final long CAP_MILLIS = 200;

    private final RandomGenerator random;
    private final Sleeper sleeper;

    Backoff(RandomGenerator random, Sleeper sleeper) {
        this.random = random;
        this.sleeper = sleeper;
    }

    void pause(int attempt) {
        long window = Math.min(CAP_MILLIS, BASE_MILLIS << Math.min(attempt, 10));
        try {
            sleeper.sleep(random.nextLong(window + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off", e);
        }
    }
}
