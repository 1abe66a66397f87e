package io.siyu.core.referral;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One read-derive-write step for an invitee: the record read, the record to write, and what each
 * affected inviter's counters must move by (the new contribution minus the stored one). An
 * inviter appears when its counters or its timeline (the invitee's intervals) changed.
 */
public record InviteeUpdate(InviteeRecord previous, InviteeRecord next, List<InviterChange> inviters) {

    /** An inviter whose figures change: counters move by {@code delta}, and its timeline must be re-evaluated. */
    public record InviterChange(String inviterExternalUserId, Contribution delta) {}

    public InviteeUpdate {
        inviters = List.copyOf(inviters);
    }

    /** Derives the invitee again with {@code entry} added; null when the entry is already in the log (a duplicate). */
    public static InviteeUpdate of(Campaign campaign, InviteeRecord previous, InviteeEntry entry) {
        List<InviteeEntry> log = InviteeLedger.append(previous.log(), entry);
        if (log == previous.log()) {
            return null;
        }
        InviteeOutcome was = previous.outcome();
        InviteeOutcome now = InviteeLedger.derive(campaign, previous.invitee(), log);
        InviteeRecord next = new InviteeRecord(previous.invitee(), previous.version() + 1, log, now);
        List<InviterChange> changes = new ArrayList<>();
        if (Objects.equals(was.inviter(), now.inviter())) {
            if (now.credited() && (!now.contribution().equals(was.contribution()) || !now.intervals().equals(was.intervals()))) {
                changes.add(new InviterChange(now.inviter(), now.contribution().minus(was.contribution())));
            }
        } else {
            // The credit moved (a late, earlier code of another inviter arrived): take it from one, give it to the other.
            if (was.credited()) {
                changes.add(new InviterChange(was.inviter(), was.contribution().negate()));
            }
            if (now.credited()) {
                changes.add(new InviterChange(now.inviter(), now.contribution()));
            }
        }
        return new InviteeUpdate(previous, next, changes);
    }
}
