package io.siyu.local.demo;

import io.siyu.local.demo.Scenario.Kind;
import io.siyu.local.demo.Scenario.LogicalEvent;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the stack must report for a scenario, computed from the generated events alone, by the
 * rules written in docs/attribution.md and docs/events.md, without any of Siyu's code: each
 * logical event is published once however often it is delivered; a customer belongs to the channel
 * of their first add; NEW counts the first arrival, RETURNING a return after having no staff
 * member, LOST_BY_* the loss of the last one; ADDS counts every add through a code, a half-add and
 * its confirmation being one add.
 */
public record Expectations(Map<String, Integer> busEvents, Map<String, Funnel> funnels, LocalDate firstDay, LocalDate lastDay) {

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
        Map<String, List<LogicalEvent>> byCustomer = new LinkedHashMap<>();
        for (LogicalEvent e : scenario.events()) {
            if (e.kind().isAdd() || e.kind().isRemoval()) {
                byCustomer.computeIfAbsent(e.customer(), k -> new ArrayList<>()).add(e);
            }
        }
        for (List<LogicalEvent> events : byCustomer.values()) {
            events.sort(Comparator.comparing(LogicalEvent::at));
            customer(events, funnels);
        }
        LocalDate first = scenario.events().stream().map(e -> day(e)).min(Comparator.naturalOrder()).orElseThrow();
        LocalDate last = scenario.events().stream().map(e -> day(e)).max(Comparator.naturalOrder()).orElseThrow();
        return new Expectations(bus, funnels, first, last);
    }

    private static LocalDate day(LogicalEvent e) {
        return e.at().atZone(CORP_ZONE).toLocalDate();
    }

    /** Where an add's state counts: the channel a ch_ state names, else the unattributed bucket. */
    private static String bucket(String state) {
        return state != null && state.startsWith("ch_") ? state.substring(3) : UNATTRIBUTED;
    }

    private enum Status { PENDING, ACTIVE, LOST }

    private static void customer(List<LogicalEvent> events, Map<String, Funnel> funnels) {
        Map<String, Status> staff = new LinkedHashMap<>();
        String owner = null;
        boolean arrived = false;
        for (LogicalEvent e : events) {
            boolean wasPresent = staff.values().stream().anyMatch(s -> s != Status.LOST);
            Status before = staff.get(e.staff());
            if (e.kind().isAdd()) {
                if (owner == null) {
                    owner = bucket(e.state());
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
            if (!wasPresent && isPresent) {
                funnels.merge(owner, arrived ? new Funnel(0, 0, 1, 0, 0) : new Funnel(0, 1, 0, 0, 0), Funnel::plus);
                arrived = true;
            } else if (wasPresent && !isPresent) {
                funnels.merge(owner, e.kind() == Kind.REMOVED_BY_CUSTOMER ? new Funnel(0, 0, 0, 1, 0) : new Funnel(0, 0, 0, 0, 1),
                        Funnel::plus);
            }
        }
    }
}
