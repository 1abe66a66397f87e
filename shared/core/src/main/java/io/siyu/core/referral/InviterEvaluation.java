package io.siyu.core.referral;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An inviter's timeline (the union of its invitees' counting intervals, in event time) judged
 * against the campaign's tiers and hold (docs/referral.md, "Completion").
 * <p>
 * Tier T is completed by the earliest run of the count at or above T that starts before the
 * campaign's end and lasts at least the hold: {@code count(t) >= T} for every t in
 * {@code [s, s + hold)}. The task then completes at {@code s + hold}. Only what is settled is
 * confirmed: a completion at or before {@code horizon} (now minus the settle margin, the bound on
 * how late Siyu expects events to arrive). A run that could still complete later is pending.
 *
 * @param count the count now (after every known event)
 * @param peak the highest count ever reached, in event time
 * @param confirmations tiers to confirm now, ascending
 * @param pending tiers whose hold is running, ascending
 */
public record InviterEvaluation(long count, long peak, List<Confirmation> confirmations, List<PendingHold> pending) {

    /** A tier completed: reached at {@code reachedAt}, held until {@code completedAt}. */
    public record Confirmation(int tier, Instant reachedAt, Instant completedAt) {}

    /** A tier reached at {@code since} that completes at {@code until} if the count stays at or above it. */
    public record PendingHold(int tier, Instant since, Instant until) {}

    public InviterEvaluation {
        confirmations = List.copyOf(confirmations);
        pending = List.copyOf(pending);
    }

    /** When the next evaluation can confirm something (the earliest pending completion), or null. */
    public Instant nextCompletion() {
        return pending.stream().map(PendingHold::until).min(Instant::compareTo).orElse(null);
    }

    public static InviterEvaluation evaluate(Campaign campaign, Collection<Interval> intervals, Set<Integer> completedTiers,
                                             Instant horizon) {
        TreeMap<Instant, Integer> steps = new TreeMap<>();
        for (Interval i : intervals) {
            steps.merge(i.from(), 1, Integer::sum);
            if (i.to() != null) {
                steps.merge(i.to(), -1, Integer::sum);
            }
        }
        Duration hold = campaign.hold();
        List<Integer> tiers = campaign.tiers().stream().filter(t -> !completedTiers.contains(t)).toList();
        Map<Integer, Instant> runStart = new TreeMap<>();
        Map<Integer, Instant> found = new TreeMap<>();
        long count = 0;
        long peak = 0;
        for (Map.Entry<Instant, Integer> step : steps.entrySet()) {
            Instant t = step.getKey();
            count += step.getValue();
            peak = Math.max(peak, count);
            for (int tier : tiers) {
                if (found.containsKey(tier)) {
                    continue;
                }
                Instant s = runStart.get(tier);
                if (count >= tier && s == null && t.isBefore(campaign.endAt())) {
                    runStart.put(tier, t);
                } else if (count < tier && s != null) {
                    runStart.remove(tier);
                    if (!t.isBefore(s.plus(hold))) {
                        found.put(tier, s);
                    }
                }
            }
        }
        runStart.forEach(found::putIfAbsent); // a run still going may yet last the hold
        List<Confirmation> confirmations = new ArrayList<>();
        List<PendingHold> pending = new ArrayList<>();
        for (int tier : tiers) {
            Instant s = found.get(tier);
            if (s == null) {
                continue;
            }
            Instant until = s.plus(hold);
            if (!until.isAfter(horizon)) {
                confirmations.add(new Confirmation(tier, s, until));
            } else {
                pending.add(new PendingHold(tier, s, until));
            }
        }
        return new InviterEvaluation(count, peak, confirmations, pending);
    }
}
