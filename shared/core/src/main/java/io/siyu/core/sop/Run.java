package io.siyu.core.sop;

import java.time.Instant;

/**
 * One occurrence of a step, with the step and audience as they were when it was planned (an
 * edit applies to chains planned after it) and its counters.
 */
public record Run(RunId id, SopKind kind, ChatType chatType, Content content, Audience audience, long sopVersion,
                  Instant createdAt, RunCounters counters, DeliveryCounters delivery) {

    /** A run before any delivery was read. */
    public Run(RunId id, SopKind kind, ChatType chatType, Content content, Audience audience, long sopVersion, Instant createdAt,
               RunCounters counters) {
        this(id, kind, chatType, content, audience, sopVersion, createdAt, counters, DeliveryCounters.ZERO);
    }

    /** PLANNING while chains read the audience, SENDING while dispatches wait for WeCom, then DONE. */
    public String state() {
        if (counters.chainsDone() < counters.chains()) {
            return "PLANNING";
        }
        return counters.dispatchesDone() < counters.dispatches() ? "SENDING" : "DONE";
    }
}
