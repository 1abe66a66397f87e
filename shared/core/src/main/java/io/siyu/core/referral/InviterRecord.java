package io.siyu.core.referral;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * An inviter's counters in a campaign (the sum of its invitees' contributions) and the last
 * evaluation of its timeline.
 *
 * @param count invitees counting now
 * @param credited invitees ever credited
 * @param losses rollbacks (an invitee stopped counting); {@code credited - count} invitees are lost now
 * @param returns invitees that counted again after a loss
 * @param changes how many times the counters moved (guards the evaluation's write)
 * @param peak the highest count reached, in event time, as of the last evaluation
 * @param pending tiers reached whose hold is running, as of the last evaluation
 */
public record InviterRecord(String campaignId, String inviterExternalUserId, long count, long credited, long losses,
                            long returns, Map<LocalDate, DayCounts> days, long changes, long peak,
                            List<InviterEvaluation.PendingHold> pending, Instant evaluatedAt) {

    public InviterRecord {
        days = Map.copyOf(days);
        pending = List.copyOf(pending);
    }

    public long lost() {
        return credited - count;
    }
}
