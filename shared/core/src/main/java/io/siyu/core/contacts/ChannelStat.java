package io.siyu.core.contacts;

import java.time.LocalDate;

/**
 * One counter of the channel funnel: a channel (or a bucket: {@link #UNATTRIBUTED},
 * {@link #REFERRAL}), a local day, and what is counted.
 */
public record ChannelStat(String channel, LocalDate day, Counter counter) {

    /** Adds without a state, or with a state no feature owns. */
    public static final String UNATTRIBUTED = "_unattributed";
    /** Adds through a referral campaign's code (counted by the referral feature in its own terms). */
    public static final String REFERRAL = "_referral";

    public enum Counter {
        /** Relationship adds through this channel's code that day (every scan that became a contact). */
        ADDS,
        /** Customers whose first arrival ever was through this channel that day. */
        NEW_CUSTOMERS,
        /** Customers of this channel (first touch) who came back that day after having no staff member left. */
        RETURNING,
        /** Customers of this channel who that day lost their last staff member: they deleted the staff. */
        LOST_BY_CUSTOMER,
        /** ... the staff deleted them. */
        LOST_BY_STAFF,
        /** The cohort: customers whose first arrival was through this channel that day. Same as NEW_CUSTOMERS, kept with the cohort counters. */
        COHORT,
        /** Of that cohort, customers still present 1 / 7 / 30 days after their first arrival. */
        RETAINED_D1,
        RETAINED_D7,
        RETAINED_D30
    }

    /** The key used to store it: {@code channel|yyyy-MM-dd|COUNTER}. */
    public String key() {
        return channel + "|" + day + "|" + counter.name();
    }

    public static ChannelStat parse(String key) {
        String[] p = key.split("\\|");
        return new ChannelStat(p[0], LocalDate.parse(p[1]), Counter.valueOf(p[2]));
    }
}
