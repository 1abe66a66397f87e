package io.siyu.core.referral;

import java.time.Instant;
import java.util.List;

/**
 * An invitee's standing in a campaign, derived from its whole log in event-time order.
 *
 * @param inviter who the invitee is credited to, or null (not credited: no code, self-invite,
 *                existing customer, outside the window)
 * @param creditedAt when the crediting code was used
 * @param contribution what the invitee adds to the inviter's counters ({@link Contribution#NONE} when not credited)
 * @param intervals when the invitee counted, in event time (the inviter's timeline is the union of these)
 */
public record InviteeOutcome(String inviter, Instant creditedAt, Contribution contribution, List<Interval> intervals) {

    public static final InviteeOutcome NONE = new InviteeOutcome(null, null, Contribution.NONE, List.of());

    public InviteeOutcome {
        intervals = List.copyOf(intervals);
    }

    public boolean credited() {
        return inviter != null;
    }
}
