package io.siyu.functions.referral;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The plain in-memory model the property test checks the referral functions against: the
 * campaign's rules applied to the whole history at once, in time order, written without any of
 * the production classes. Events of the same second are taken in event-id order, as production
 * does (WeCom gives no finer order).
 */
final class ReferralModel {

    /** One event of the history, as the model sees it. */
    record Step(Instant at, String eventId, String invitee, boolean enter, String subject, String codeInviter) {}

    /** The rules of the campaign under test. */
    record Rules(Instant start, Instant end, boolean onlyNew, List<Integer> tiers, Duration hold, Set<String> members) {}

    /** What an inviter should show. */
    record Inviter(long count, long credited, long losses, long returns, long peak) {}

    /** A completion: the tier, when it was reached, when its hold ended. */
    record Done(String inviter, int tier, Instant reachedAt, Instant completedAt) {}

    final Map<String, Inviter> inviters = new TreeMap<>();
    final Set<Done> completions = new HashSet<>();

    /**
     * @param customerSince for each invitee, when it first became a contact of any staff member (absent: never)
     *                      as a function of time: {@code customerBefore(invitee, t)}
     */
    ReferralModel(Rules rules, List<Step> history, java.util.function.BiPredicate<String, Instant> customerBefore) {
        List<Step> steps = new ArrayList<>(history);
        steps.sort(Comparator.comparing(Step::at).thenComparing(Step::eventId));
        Map<String, Set<String>> active = new HashMap<>();
        Map<String, String> creditedTo = new HashMap<>();
        Map<String, Boolean> counted = new HashMap<>();
        Set<String> entered = new HashSet<>();
        Map<String, long[]> totals = new TreeMap<>(); // credited, losses, returns
        Map<String, TreeMap<Instant, Long>> timelines = new HashMap<>();
        TreeSet<Instant> instants = new TreeSet<>();
        steps.forEach(s -> instants.add(s.at()));
        int i = 0;
        for (Instant instant : instants) {
            for (; i < steps.size() && steps.get(i).at().equals(instant); i++) {
                Step s = steps.get(i);
                if (!rules.members().contains(s.subject())) {
                    continue;
                }
                String x = s.invitee();
                Set<String> mine = active.computeIfAbsent(x, k -> new HashSet<>());
                if (s.enter()) {
                    boolean inWindow = !s.at().isBefore(rules.start()) && s.at().isBefore(rules.end());
                    boolean isNew = !entered.contains(x) && !customerBefore.test(x, s.at());
                    if (!creditedTo.containsKey(x) && s.codeInviter() != null && !s.codeInviter().equals(x) && inWindow
                            && (!rules.onlyNew() || isNew)) {
                        creditedTo.put(x, s.codeInviter());
                        counted.put(x, false);
                        totals.computeIfAbsent(s.codeInviter(), k -> new long[3])[0]++;
                        mine.add(s.subject());
                        counted.put(x, true);
                        entered.add(x);
                        continue;
                    }
                    entered.add(x);
                    mine.add(s.subject());
                } else {
                    mine.remove(s.subject());
                }
                String inviter = creditedTo.get(x);
                if (inviter == null) {
                    continue;
                }
                boolean was = counted.get(x);
                boolean now = s.at().isBefore(rules.end()) ? !mine.isEmpty() : was && !mine.isEmpty();
                if (was && !now) {
                    totals.get(inviter)[1]++;
                } else if (!was && now) {
                    totals.get(inviter)[2]++;
                }
                counted.put(x, now);
            }
            Map<String, Long> counts = new HashMap<>();
            creditedTo.forEach((x, inviter) -> counts.merge(inviter, counted.get(x) ? 1L : 0L, Long::sum));
            counts.forEach((inviter, n) -> timelines.computeIfAbsent(inviter, k -> new TreeMap<>()).put(instant, n));
        }
        totals.forEach((inviter, t) -> {
            TreeMap<Instant, Long> timeline = timelines.get(inviter);
            long peak = timeline.values().stream().mapToLong(Long::longValue).max().orElse(0);
            inviters.put(inviter, new Inviter(timeline.lastEntry().getValue(), t[0], t[1], t[2], peak));
            for (int tier : rules.tiers()) {
                Instant reached = firstHeld(timeline, tier, rules);
                if (reached != null) {
                    completions.add(new Done(inviter, tier, reached, reached.plus(rules.hold())));
                }
            }
        });
    }

    /** The earliest time the count reached {@code tier} before the end and stayed there for the whole hold. */
    private static Instant firstHeld(TreeMap<Instant, Long> timeline, int tier, Rules rules) {
        for (Map.Entry<Instant, Long> start : timeline.entrySet()) {
            Instant s = start.getKey();
            if (start.getValue() < tier || !s.isBefore(rules.end())) {
                continue;
            }
            boolean held = timeline.subMap(s, false, s.plus(rules.hold()), false).values().stream().allMatch(n -> n >= tier);
            if (held) {
                return s;
            }
        }
        return null;
    }
}
