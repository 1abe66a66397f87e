package io.siyu.core.channels;

import java.time.LocalDate;

/**
 * One channel's funnel counters for one local day (docs/attribution.md for the exact rules).
 * Retention is of that day's cohort: customers whose first arrival was through this channel
 * that day and who are still present 1, 7 and 30 days later.
 */
public record ChannelDay(LocalDate day, long adds, long newCustomers, long returning, long lostByCustomer,
                         long lostByStaff, long cohort, long retainedD1, long retainedD7, long retainedD30) {

    public long lost() {
        return lostByCustomer + lostByStaff;
    }

    public long net() {
        return newCustomers + returning - lost();
    }

    public static ChannelDay empty(LocalDate day) {
        return new ChannelDay(day, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
