package io.siyu.core.referral;

import io.siyu.core.referral.InviteeEntry.Kind;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rules of a campaign applied to one invitee's log (docs/referral.md, "Counting"). Pure: the
 * same log gives the same outcome whatever order its entries arrived in, which is what makes the
 * counters exact under duplicates and reordering.
 */
public final class InviteeLedger {

    private InviteeLedger() {}

    /** The log with {@code entry} added, in event-time order; unchanged (same instance) if it is a duplicate. */
    public static List<InviteeEntry> append(List<InviteeEntry> log, InviteeEntry entry) {
        for (InviteeEntry e : log) {
            if (e.sameEvent(entry)) {
                return log;
            }
        }
        List<InviteeEntry> out = new ArrayList<>(log.size() + 1);
        out.addAll(log);
        out.add(entry);
        out.sort(InviteeEntry.EVENT_TIME_ORDER);
        return List.copyOf(out);
    }

    /**
     * Folds the log in event-time order:
     * <ul>
     *   <li>the invitee is credited by the earliest ENTER that carries a code of this campaign, is
     *       not a self-invite and lies in {@code [startAt, endAt)}; with {@code onlyNewCustomers}
     *       only if no ENTER precedes it (already a contact of campaign staff, or already in a
     *       campaign group) and the invitee was no customer before it ({@code preexisting});</li>
     *   <li>once credited it counts while it has at least one campaign relationship (staff member
     *       or group): losing one of two is no loss; losing the last is a loss (完成度-1), coming
     *       back before {@code endAt} is a return to the same inviter;</li>
     *   <li>from {@code endAt} on nothing credits or returns; a loss still counts.</li>
     * </ul>
     */
    public static InviteeOutcome derive(Campaign campaign, String invitee, List<InviteeEntry> log) {
        List<InviteeEntry> ordered = new ArrayList<>(log);
        ordered.sort(InviteeEntry.EVENT_TIME_ORDER);
        Set<String> active = new HashSet<>();
        String inviter = null;
        Instant creditedAt = null;
        boolean counted = false;
        boolean enteredBefore = false;
        long losses = 0;
        long returns = 0;
        Map<LocalDate, DayCounts> days = new TreeMap<>();
        List<Interval> intervals = new ArrayList<>();
        Instant openFrom = null;
        for (InviteeEntry e : ordered) {
            boolean creditsNow = false;
            if (e.kind() == Kind.ENTER) {
                if (inviter == null && e.inviter() != null && !e.inviter().equals(invitee) && campaign.credits(e.at())
                        && (!campaign.onlyNewCustomers() || (!enteredBefore && !e.preexisting()))) {
                    inviter = e.inviter();
                    creditedAt = e.at();
                    creditsNow = true;
                }
                enteredBefore = true;
                active.add(e.subject());
            } else {
                active.remove(e.subject());
            }
            if (inviter == null) {
                continue;
            }
            boolean countsNow = e.at().isBefore(campaign.endAt()) ? !active.isEmpty() : counted && !active.isEmpty();
            LocalDate day = e.at().atZone(Campaign.LOCAL_ZONE).toLocalDate();
            if (creditsNow) {
                days.merge(day, new DayCounts(1, 0, 0), DayCounts::plus);
                openFrom = e.at();
            } else if (counted && !countsNow) {
                losses++;
                days.merge(day, new DayCounts(0, 1, 0), DayCounts::plus);
                intervals.add(new Interval(openFrom, e.at()));
                openFrom = null;
            } else if (!counted && countsNow) {
                returns++;
                days.merge(day, new DayCounts(0, 0, 1), DayCounts::plus);
                openFrom = e.at();
            }
            counted = countsNow;
        }
        if (inviter == null) {
            return InviteeOutcome.NONE;
        }
        if (openFrom != null) {
            intervals.add(new Interval(openFrom, null));
        }
        return new InviteeOutcome(inviter, creditedAt,
                new Contribution(counted ? 1 : 0, 1, losses, returns, days), intervals);
    }
}
