package io.siyu.core.channels;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * A channel's funnel over a date range, as the admin API reports it: one row per day (days
 * without activity included, all zero), totals, and the retention of each day's cohort, marked
 * final only once the day N has passed (until then the figure counts who is present so far).
 */
public record ChannelReport(String channel, LocalDate from, LocalDate to, List<Row> days, Totals totals) {

    public record Retention(long retained, Double rate, boolean isFinal) {}

    public record Row(LocalDate day, long adds, long newCustomers, long returning, long lostByCustomer, long lostByStaff,
                      long lost, long net, long cohort, Retention retentionD1, Retention retentionD7, Retention retentionD30) {}

    public record Totals(long adds, long newCustomers, long returning, long lostByCustomer, long lostByStaff, long lost,
                         long net) {

        public static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0, 0);

        /** The totals of two channels (or ranges) together: every figure is a sum. */
        public Totals plus(Totals o) {
            return new Totals(adds + o.adds, newCustomers + o.newCustomers, returning + o.returning, lostByCustomer + o.lostByCustomer,
                    lostByStaff + o.lostByStaff, lost + o.lost, net + o.net);
        }
    }

    public static ChannelReport of(String channel, LocalDate from, LocalDate to, List<ChannelDay> stored, LocalDate today) {
        java.util.Map<LocalDate, ChannelDay> byDay = new java.util.HashMap<>();
        stored.forEach(d -> byDay.put(d.day(), d));
        List<Row> rows = new ArrayList<>();
        long adds = 0, news = 0, returning = 0, lostC = 0, lostS = 0;
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            ChannelDay c = byDay.getOrDefault(d, ChannelDay.empty(d));
            rows.add(new Row(d, c.adds(), c.newCustomers(), c.returning(), c.lostByCustomer(), c.lostByStaff(), c.lost(),
                    c.net(), c.cohort(), retention(c.retainedD1(), c.cohort(), d.plusDays(1), today),
                    retention(c.retainedD7(), c.cohort(), d.plusDays(7), today),
                    retention(c.retainedD30(), c.cohort(), d.plusDays(30), today)));
            adds += c.adds();
            news += c.newCustomers();
            returning += c.returning();
            lostC += c.lostByCustomer();
            lostS += c.lostByStaff();
        }
        return new ChannelReport(channel, from, to, rows,
                new Totals(adds, news, returning, lostC, lostS, lostC + lostS, news + returning - lostC - lostS));
    }

    private static Retention retention(long retained, long cohort, LocalDate measuredOn, LocalDate today) {
        return new Retention(retained, cohort == 0 ? null : (double) retained / cohort, measuredOn.isBefore(today));
    }
}
