package io.siyu.local.stack;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Work in flight anywhere in the stack (invocations, queued asynchronous events and their
 * retries), and a version that moves whenever work starts or ends. Pollers report an empty poll
 * with the version they saw when it began, so "idle" can be decided without sleeping: nothing in
 * flight, and every poller has found nothing since the last piece of work ended.
 */
public final class Activity {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong version = new AtomicLong();

    public void begin() {
        inFlight.incrementAndGet();
        version.incrementAndGet();
    }

    public void end() {
        version.incrementAndGet();
        inFlight.decrementAndGet();
    }

    public int inFlight() {
        return inFlight.get();
    }

    public long version() {
        return version.get();
    }
}
