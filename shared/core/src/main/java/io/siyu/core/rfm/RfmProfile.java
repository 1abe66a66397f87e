package io.siyu.core.rfm;

import java.time.LocalDate;

/**
 * A customer's RFM standing on one local day.
 *
 * @param recencyDays local days from the last paid order's day to the scoring day
 * @param nextBoundary the first later day on which the scores or stage change without any new
 *                     order (a recency threshold is crossed, or the customer stops being new);
 *                     null when no such day comes
 */
public record RfmProfile(long recencyDays, RfmScores scores, Segment segment, LifecycleStage stage,
                         LocalDate nextBoundary) {}
