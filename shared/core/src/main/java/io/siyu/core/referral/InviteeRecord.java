package io.siyu.core.referral;

import java.util.List;

/**
 * What is stored for one invitee of a campaign: its log, and the outcome derived from it last time
 * (whose contribution is what the counters hold for it). {@code version} guards the read-derive-write.
 */
public record InviteeRecord(String invitee, long version, List<InviteeEntry> log, InviteeOutcome outcome) {

    public InviteeRecord {
        log = List.copyOf(log);
    }

    public static InviteeRecord empty(String invitee) {
        return new InviteeRecord(invitee, 0, List.of(), InviteeOutcome.NONE);
    }
}
