package io.siyu.functions.admin.referral;

import io.siyu.core.referral.Campaign;
import io.siyu.core.referral.Completion;
import io.siyu.core.referral.DayCounts;
import io.siyu.core.referral.InviterRecord;
import io.siyu.functions.admin.referral.ReferralViews.KFactorPoint;
import io.siyu.functions.admin.referral.ReferralViews.LeaderboardEntry;
import io.siyu.functions.admin.referral.ReferralViews.Totals;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The referral reports, computed from the inviters' counters and the completions of one campaign. */
final class ReferralReports {

    private ReferralReports() {}

    /** Inviters by current count, then peak, then credits; ties broken by id so pages are stable. */
    static List<LeaderboardEntry> leaderboard(List<InviterRecord> inviters, List<Completion> completions, int limit) {
        Map<String, List<Integer>> done = completions.stream().collect(Collectors.groupingBy(Completion::inviterExternalUserId,
                TreeMap::new, Collectors.mapping(Completion::tier, Collectors.toList())));
        List<InviterRecord> sorted = new ArrayList<>(inviters);
        sorted.sort(Comparator.comparingLong(InviterRecord::count).reversed()
                .thenComparing(Comparator.comparingLong(InviterRecord::peak).reversed())
                .thenComparing(Comparator.comparingLong(InviterRecord::credited).reversed())
                .thenComparing(InviterRecord::inviterExternalUserId));
        List<LeaderboardEntry> out = new ArrayList<>();
        for (InviterRecord r : sorted.subList(0, Math.min(limit, sorted.size()))) {
            List<Integer> tiers = done.getOrDefault(r.inviterExternalUserId(), List.of()).stream().sorted().toList();
            out.add(new LeaderboardEntry(out.size() + 1, r.inviterExternalUserId(), r.count(), Math.max(r.peak(), r.count()),
                    r.credited(), r.lost(), tiers));
        }
        return out;
    }

    static Totals totals(Campaign campaign, List<InviterRecord> inviters, List<Completion> completions) {
        long credited = inviters.stream().mapToLong(InviterRecord::credited).sum();
        long net = inviters.stream().mapToLong(InviterRecord::count).sum();
        return new Totals(campaign.campaignId(), campaign.participants(),
                inviters.stream().filter(r -> r.credited() > 0).count(), credited, credited - net, net,
                inviters.stream().mapToLong(InviterRecord::losses).sum(),
                inviters.stream().mapToLong(InviterRecord::returns).sum(), completions.size());
    }

    /**
     * The k-factor (裂变率) day by day: new customers brought so far (invitees credited, each once)
     * over participating inviters so far (codes issued). Days are local (Asia/Shanghai), from the
     * campaign's first day to {@code to}.
     */
    static List<KFactorPoint> kFactor(Map<LocalDate, Long> participantsByDay, List<InviterRecord> inviters, LocalDate from,
                                      LocalDate to) {
        Map<LocalDate, DayCounts> days = new TreeMap<>();
        inviters.forEach(r -> r.days().forEach((d, c) -> days.merge(d, c, DayCounts::plus)));
        long participants = 0;
        long credited = 0;
        long net = 0;
        List<KFactorPoint> out = new ArrayList<>();
        LocalDate first = from;
        for (LocalDate d : participantsByDay.keySet()) {
            first = d.isBefore(first) ? d : first;
        }
        for (LocalDate d : days.keySet()) {
            first = d.isBefore(first) ? d : first;
        }
        for (LocalDate d = first; !d.isAfter(to); d = d.plusDays(1)) {
            long joined = participantsByDay.getOrDefault(d, 0L);
            DayCounts c = days.getOrDefault(d, DayCounts.ZERO);
            participants += joined;
            credited += c.credits();
            net += c.credits() - c.losses() + c.returns();
            if (!d.isBefore(from)) {
                Double k = participants == 0 ? null : Math.round(credited * 10_000.0 / participants) / 10_000.0;
                out.add(new KFactorPoint(d, joined, participants, c.credits(), credited, net, k));
            }
        }
        return out;
    }
}
