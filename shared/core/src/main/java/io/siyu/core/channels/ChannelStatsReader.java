package io.siyu.core.channels;

import java.time.LocalDate;
import java.util.List;

/** Reads the channel counters. */
public interface ChannelStatsReader {

    /** The channel's days from {@code from} to {@code to} inclusive that have any counter (others are all zero). */
    List<ChannelDay> days(String corpId, String channel, LocalDate from, LocalDate to);
}
