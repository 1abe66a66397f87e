package io.siyu.local.demo;

import io.siyu.core.rfm.ContactFacts;
import io.siyu.core.rfm.LifecycleStage;
import io.siyu.core.rfm.RfmProfile;
import io.siyu.core.rfm.RfmRules;
import io.siyu.core.rfm.RfmThresholds;
import io.siyu.core.rfm.RfmTotals;
import io.siyu.core.rfm.Segment;
import io.siyu.local.demo.Scenario.Kind;
import io.siyu.local.demo.Scenario.LogicalEvent;
import io.siyu.local.demo.Scenario.OrderVersion;
import io.siyu.local.demo.Scenario.ReferralPlan;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the stack must report for a scenario, computed from the generated input alone, by the
 * documented rules, without Siyu's functions:
 *
 * <ul>
 *   <li>docs/events.md, docs/attribution.md: each logical event is published once however often
 *       it is delivered; a customer belongs to the channel of their first add (an {@code rf_} state
 *       to the referral bucket); NEW counts the first arrival, RETURNING a return after having no
 *       staff member, LOST_BY_* the loss of the last one; ADDS counts every add through a code, a
 *       half-add and its confirmation being one add;</li>
 *   <li>docs/referral.md: an invitee is credited to the inviter whose code their first add ever
 *       carries (a customer before that add is not new), counts while they have a campaign staff
 *       member, and counts again when they come back; the k-factor is new customers credited over
 *       participants (codes issued);</li>
 *   <li>docs/sop.md: a broadcast to the senders' customers plans each customer with an ACTIVE
 *       relationship once (one mass message a day: their other ACTIVE relationships are skipped as
 *       DAILY_LIMIT_PLANNED) and skips the LOST and PENDING ones; each sender with recipients is
 *       one WeCom task (which of two senders reaches a shared customer is first come, so
 *       {@code tasks} is the most there can be);</li>
 *   <li>docs/orders.md, docs/rfm.md: the newest version of each order counts; PAID and
 *       PARTIALLY_REFUNDED orders add to F and (net of refunds) to M, the latest paid_at is R's
 *       basis. These totals are summed here; only the scoring of totals into scores, segment and
 *       stage is the production rule ({@link RfmRules}), so that the figures test the incremental
 *       aggregation rather than restate it.</li>
 * </ul>
 */
public record Expectations(Map<String, Integer> busEvents, Map<String, Funnel> funnels, LocalDate firstDay, LocalDate lastDay,
                           Map<String, Inviter> inviters, Sop sop, Orders orders, Rfm rfm) {

    /** One inviter's standing on the leaderboard. */
    public record Inviter(int count, int peak, int credited) {
        public int lost() {
            return credited - count;
        }
    }

    /** What a broadcast to every staff member's customers plans and sends; {@code tasks}: at most. */
    public record Sop(int planned, int skippedLost, int skippedPending, int skippedDailyLimitPlanned, int tasks) {}

    /** How the order ingest answers the back-fill, the later changes and a replay of the back-fill. */
    public record Orders(int created, int replaced, int ignored) {}

    /** Customers per segment and lifecycle stage (customers with at least one paid order). */
    public record Rfm(int customers, Map<Segment, Integer> segments, Map<LifecycleStage, Integer> stages) {}

    /** The thresholds the demo sets before it sends orders (docs/rfm.md's defaults, set explicitly). */
    public static final RfmThresholds RFM_THRESHOLDS = RfmThresholds.DEFAULTS;

    public int participants() {
        return inviters.size();
    }

    public int inviteesCredited() {
        return inviters.values().stream().mapToInt(Inviter::credited).sum();
    }

    public int inviteesCounting() {
        return inviters.values().stream().mapToInt(Inviter::count).sum();
    }

    /** A channel's (or bucket's) totals over the scenario's days, as GET /admin/channels/ranking reports them. */
    public record Funnel(int adds, int newCustomers, int returning, int lostByCustomer, int lostByStaff) {
        public int lost() {
            return lostByCustomer + lostByStaff;
        }

        public int net() {
            return newCustomers + returning - lost();
        }

        Funnel plus(Funnel o) {
            return new Funnel(adds + o.adds, newCustomers + o.newCustomers, returning + o.returning,
                    lostByCustomer + o.lostByCustomer, lostByStaff + o.lostByStaff);
        }
    }

    public static final String UNATTRIBUTED = "_unattributed";
    public static final String REFERRAL = "_referral";
    static final ZoneId CORP_ZONE = ZoneId.of("Asia/Shanghai");
    static final Funnel ZERO = new Funnel(0, 0, 0, 0, 0);

    public static Expectations of(Scenario scenario) {
        Map<String, Integer> bus = new TreeMap<>();
        for (LogicalEvent e : scenario.events()) {
            bus.merge(e.kind().detailType, 1, Integer::sum);
        }
        Map<String, Funnel> funnels = new TreeMap<>();
        scenario.channels().forEach(c -> funnels.put(c.code(), ZERO));
        funnels.put(UNATTRIBUTED, ZERO);
        funnels.put(REFERRAL, ZERO);
        Map<String, List<LogicalEvent>> byCustomer = new LinkedHashMap<>();
        for (LogicalEvent e : scenario.events()) {
            if (e.kind().isAdd() || e.kind().isRemoval()) {
                byCustomer.computeIfAbsent(e.customer(), k -> new ArrayList<>()).add(e);
            }
        }
        Map<String, Life> lives = new LinkedHashMap<>();
        for (Map.Entry<String, List<LogicalEvent>> c : byCustomer.entrySet()) {
            c.getValue().sort(Comparator.comparing(LogicalEvent::at));
            lives.put(c.getKey(), customer(c.getValue(), funnels, scenario.referral()));
        }
        LocalDate first = scenario.events().stream().map(e -> day(e)).min(Comparator.naturalOrder()).orElseThrow();
        LocalDate last = scenario.events().stream().map(e -> day(e)).max(Comparator.naturalOrder()).orElseThrow();
        return new Expectations(bus, funnels, first, last, inviters(scenario.referral(), lives.values()), sop(lives.values()),
                orders(scenario.orders()), rfm(scenario.orders(), lives, RfmRules.localDay(scenario.base())));
    }

    /** Leaderboard figures: credits, and the count over time as credited invitees leave and return. */
    private static Map<String, Inviter> inviters(ReferralPlan referral, Collection<Life> lives) {
        Map<String, Inviter> out = new LinkedHashMap<>();
        for (String inviter : referral.inviters()) {
            List<Life> credited = lives.stream().filter(l -> inviter.equals(l.creditedTo)).toList();
            // Every referral event has a second of its own (Scenario), so sorting by time is the order of the count.
            List<Map.Entry<Instant, Integer>> moves = new ArrayList<>();
            credited.forEach(l -> moves.addAll(l.presenceMoves));
            moves.sort(Map.Entry.comparingByKey());
            int count = 0;
            int peak = 0;
            for (Map.Entry<Instant, Integer> m : moves) {
                count += m.getValue();
                peak = Math.max(peak, count);
            }
            out.put(inviter, new Inviter(count, peak, credited.size()));
        }
        return out;
    }

    private static Sop sop(Collection<Life> lives) {
        int planned = 0;
        int active = 0;
        int lost = 0;
        int pending = 0;
        Set<String> senders = new TreeSet<>();
        for (Life l : lives) {
            boolean any = false;
            for (Map.Entry<String, Status> r : l.staff.entrySet()) {
                switch (r.getValue()) {
                    case ACTIVE -> {
                        active++;
                        any = true;
                        senders.add(r.getKey());
                    }
                    case LOST -> lost++;
                    case PENDING -> pending++;
                }
            }
            planned += any ? 1 : 0;
        }
        return new Sop(planned, lost, pending, active - planned, senders.size());
    }

    private static Orders orders(List<OrderVersion> versions) {
        int backFill = (int) versions.stream().filter(v -> v.batch() == 0).count();
        int changes = (int) versions.stream().filter(v -> v.batch() == 1).count();
        return new Orders(backFill, changes, backFill);
    }

    /** Each customer's totals over the newest version of their orders, then the production scoring rule. */
    private static Rfm rfm(List<OrderVersion> versions, Map<String, Life> lives, LocalDate today) {
        Map<String, OrderVersion> newest = new LinkedHashMap<>();
        for (OrderVersion v : versions) {
            newest.merge(v.orderId(), v, (a, b) -> b.updatedAt().isAfter(a.updatedAt()) ? b : a);
        }
        Map<String, RfmTotals> totals = new LinkedHashMap<>();
        for (OrderVersion o : newest.values()) {
            boolean paid = o.status().equals("PAID") || o.status().equals("PARTIALLY_REFUNDED");
            if (paid) {
                totals.merge(o.externalUserId(), new RfmTotals(1, o.amountFen() - o.refundedFen(), o.paidAt()),
                        (a, b) -> new RfmTotals(a.paidOrders() + b.paidOrders(), a.paidFen() + b.paidFen(),
                                a.lastPaidAt().isAfter(b.lastPaidAt()) ? a.lastPaidAt() : b.lastPaidAt()));
            }
        }
        Map<Segment, Integer> segments = new EnumMap<>(Segment.class);
        Map<LifecycleStage, Integer> stages = new EnumMap<>(LifecycleStage.class);
        for (Segment s : Segment.values()) {
            segments.put(s, 0);
        }
        for (LifecycleStage s : LifecycleStage.values()) {
            stages.put(s, 0);
        }
        int customers = 0;
        for (Map.Entry<String, RfmTotals> t : totals.entrySet()) {
            Life life = lives.get(t.getKey());
            ContactFacts facts = life == null ? ContactFacts.UNKNOWN : new ContactFacts(true, life.present(), life.firstAddedAt);
            Optional<RfmProfile> profile = RfmRules.evaluate(t.getValue(), facts, RFM_THRESHOLDS, today);
            if (profile.isPresent()) {
                customers++;
                segments.merge(profile.get().segment(), 1, Integer::sum);
                stages.merge(profile.get().stage(), 1, Integer::sum);
            }
        }
        return new Rfm(customers, segments, stages);
    }

    private static LocalDate day(LogicalEvent e) {
        return e.at().atZone(CORP_ZONE).toLocalDate();
    }

    /** Where an add's state counts: the channel a ch_ state names, rf_ the referral bucket, else unattributed. */
    private static String bucket(String state) {
        if (state != null && state.startsWith("rf_")) {
            return REFERRAL;
        }
        return state != null && state.startsWith("ch_") ? state.substring(3) : UNATTRIBUTED;
    }

    private enum Status { PENDING, ACTIVE, LOST }

    /** A customer's relationships at the end, and what referral needs of their history. */
    private static final class Life {
        final Map<String, Status> staff = new LinkedHashMap<>();
        Instant firstAddedAt;
        String creditedTo;
        /** +1 when the customer becomes present (has a staff member), -1 when they lose the last one. */
        final List<Map.Entry<Instant, Integer>> presenceMoves = new ArrayList<>();

        boolean present() {
            return staff.values().stream().anyMatch(s -> s != Status.LOST);
        }
    }

    private static Life customer(List<LogicalEvent> events, Map<String, Funnel> funnels, ReferralPlan referral) {
        Life life = new Life();
        Map<String, Status> staff = life.staff;
        String owner = null;
        boolean arrived = false;
        for (LogicalEvent e : events) {
            boolean wasPresent = staff.values().stream().anyMatch(s -> s != Status.LOST);
            Status before = staff.get(e.staff());
            if (e.kind().isAdd()) {
                if (owner == null) {
                    owner = bucket(e.state());
                    life.firstAddedAt = e.at();
                    // Credit: only the first add ever (a new customer), through a code, not the inviter's own, in the window.
                    if (e.inviter() != null && !e.inviter().equals(e.customer()) && !e.at().isBefore(referral.startAt())
                            && e.at().isBefore(referral.endAt())) {
                        life.creditedTo = e.inviter();
                    }
                }
                boolean confirmation = before == Status.PENDING && e.kind() == Kind.ADD;
                if (!confirmation) {
                    funnels.merge(bucket(e.state()), new Funnel(1, 0, 0, 0, 0), Funnel::plus);
                }
                staff.put(e.staff(), e.kind() == Kind.ADD || before == Status.ACTIVE ? Status.ACTIVE : Status.PENDING);
            } else {
                staff.put(e.staff(), Status.LOST);
            }
            boolean isPresent = staff.values().stream().anyMatch(s -> s != Status.LOST);
            if (wasPresent != isPresent) {
                life.presenceMoves.add(Map.entry(e.at(), isPresent ? 1 : -1));
            }
            if (!wasPresent && isPresent) {
                funnels.merge(owner, arrived ? new Funnel(0, 0, 1, 0, 0) : new Funnel(0, 1, 0, 0, 0), Funnel::plus);
                arrived = true;
            } else if (wasPresent && !isPresent) {
                funnels.merge(owner, e.kind() == Kind.REMOVED_BY_CUSTOMER ? new Funnel(0, 0, 0, 1, 0) : new Funnel(0, 0, 0, 0, 1),
                        Funnel::plus);
            }
        }
        return life;
    }
}
