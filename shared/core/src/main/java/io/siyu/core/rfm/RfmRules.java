package io.siyu.core.rfm;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The scoring rules, as pure functions of a customer's totals, their contact facts, the corp's
 * thresholds and the scoring day (docs/rfm.md states the same rules in words).
 */
public final class RfmRules {

    /** Days are counted in the corp's local time (China Standard Time, like every per-day figure in Siyu). */
    public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    private RfmRules() {}

    public static LocalDate localDay(Instant instant) {
        return instant.atZone(ZONE).toLocalDate();
    }

    /** The customer's standing on {@code today}; empty when they have no paid order (no segment, no stage). */
    public static Optional<RfmProfile> evaluate(RfmTotals totals, ContactFacts contact, RfmThresholds t, LocalDate today) {
        if (!totals.hasPaidOrders() || totals.lastPaidAt() == null) {
            return Optional.empty();
        }
        LocalDate lastPaid = localDay(totals.lastPaidAt());
        long recencyDays = ChronoUnit.DAYS.between(lastPaid, today);
        RfmScores scores = new RfmScores(t.recencyScore(recencyDays), t.frequencyScore(totals.paidOrders()),
                t.monetaryScore(totals.paidFen()));
        Segment segment = Segment.of(t.high(scores.recency()), t.high(scores.frequency()), t.high(scores.monetary()));
        LifecycleStage stage = stage(scores, contact, t, today);
        return Optional.of(new RfmProfile(recencyDays, scores, segment, stage,
                nextBoundary(lastPaid, recencyDays, stage == LifecycleStage.NEW ? contact : null, t)));
    }

    /**
     * The first matching rule wins:
     * <ol>
     *   <li>流失期 LOST: the contacts know the customer and they are no longer anyone's contact, or R is 1;</li>
     *   <li>衰退期 DECLINING: R is low;</li>
     *   <li>成熟期 MATURE: R and F are high;</li>
     *   <li>引入期 NEW: the customer was first added at most {@code newCustomerDays} local days ago;</li>
     *   <li>成长期 GROWING: otherwise (R high, F low, not new or added time unknown).</li>
     * </ol>
     */
    public static LifecycleStage stage(RfmScores scores, ContactFacts contact, RfmThresholds t, LocalDate today) {
        if ((contact.known() && !contact.contact()) || scores.recency() == 1) {
            return LifecycleStage.LOST;
        }
        if (!t.high(scores.recency())) {
            return LifecycleStage.DECLINING;
        }
        if (t.high(scores.frequency())) {
            return LifecycleStage.MATURE;
        }
        if (isNew(contact, t, today)) {
            return LifecycleStage.NEW;
        }
        return LifecycleStage.GROWING;
    }

    private static boolean isNew(ContactFacts contact, RfmThresholds t, LocalDate today) {
        return contact.known() && contact.firstAddedAt() != null
                && ChronoUnit.DAYS.between(localDay(contact.firstAddedAt()), today) <= t.newCustomerDays();
    }

    /**
     * The first day after today on which time alone changes the outcome: the day after a recency
     * boundary is passed, or, for a customer in 引入期 ({@code newContact} given), the day they stop
     * being new. Null when neither comes. (Time never brings a customer into 引入期.)
     */
    static LocalDate nextBoundary(LocalDate lastPaid, long recencyDays, ContactFacts newContact, RfmThresholds t) {
        LocalDate next = null;
        for (int days : t.recencyDays()) {
            if (recencyDays <= days) {
                next = lastPaid.plusDays(days + 1L);
                break;
            }
        }
        if (newContact != null) {
            LocalDate notNew = localDay(newContact.firstAddedAt()).plusDays(t.newCustomerDays() + 1L);
            if (next == null || notNew.isBefore(next)) {
                next = notNew;
            }
        }
        return next;
    }
}
