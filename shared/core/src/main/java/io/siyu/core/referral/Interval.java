package io.siyu.core.referral;

import java.time.Instant;

/** A stretch of event time during which an invitee counted for its inviter: {@code [from, to)}, {@code to} null while open. */
public record Interval(Instant from, Instant to) {

    public boolean open() {
        return to == null;
    }
}
