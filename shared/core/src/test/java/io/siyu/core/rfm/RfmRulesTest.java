package io.siyu.core.rfm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The scoring rules as docs/rfm.md states them, with the default thresholds. */
class RfmRulesTest {

    private static final RfmThresholds T = RfmThresholds.DEFAULTS;
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 23);
    private static final ContactFacts OLD_CONTACT = new ContactFacts(true, true, at("2025-01-01"));

    private static Instant at(String localDay) {
        return LocalDate.parse(localDay).atTime(12, 0).atZone(ZoneId.of("Asia/Shanghai")).toInstant();
    }

    @ParameterizedTest
    @CsvSource({"-3, 5", "0, 5", "30, 5", "31, 4", "60, 4", "61, 3", "90, 3", "91, 2", "180, 2", "181, 1", "5000, 1"})
    void recencyScoresByDaysSinceTheLastPaidOrder(long days, int score) {
        assertThat(T.recencyScore(days)).isEqualTo(score);
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "2, 2", "3, 3", "4, 3", "5, 4", "9, 4", "10, 5", "500, 5"})
    void frequencyScoresByPaidOrders(long orders, int score) {
        assertThat(T.frequencyScore(orders)).isEqualTo(score);
    }

    @ParameterizedTest
    @CsvSource({"0, 1", "9999, 1", "10000, 2", "49999, 2", "50000, 3", "100000, 4", "499999, 4", "500000, 5"})
    void monetaryScoresByFenNetOfRefunds(long fen, int score) {
        assertThat(T.monetaryScore(fen)).isEqualTo(score);
    }

    @ParameterizedTest
    @CsvSource({
            "true, true, true, IMPORTANT_VALUE, 重要价值客户",
            "true, false, true, IMPORTANT_DEVELOP, 重要发展客户",
            "false, true, true, IMPORTANT_KEEP, 重要保持客户",
            "false, false, true, IMPORTANT_RETAIN, 重要挽留客户",
            "true, true, false, GENERAL_VALUE, 一般价值客户",
            "true, false, false, GENERAL_DEVELOP, 一般发展客户",
            "false, true, false, GENERAL_KEEP, 一般保持客户",
            "false, false, false, GENERAL_RETAIN, 一般挽留客户"})
    void theEightSegmentsFromHighAndLow(boolean r, boolean f, boolean m, Segment segment, String label) {
        assertThat(Segment.of(r, f, m)).isEqualTo(segment);
        assertThat(segment.label()).isEqualTo(label);
    }

    @Test
    void stagesFollowTheRulesInOrder() {
        // No longer anyone's contact: lost, whatever the orders say.
        assertThat(RfmRules.stage(new RfmScores(5, 5, 5), new ContactFacts(true, false, at("2025-01-01")), T, TODAY))
                .isEqualTo(LifecycleStage.LOST);
        assertThat(RfmRules.stage(new RfmScores(1, 5, 5), OLD_CONTACT, T, TODAY)).isEqualTo(LifecycleStage.LOST);
        assertThat(RfmRules.stage(new RfmScores(2, 5, 5), OLD_CONTACT, T, TODAY)).isEqualTo(LifecycleStage.DECLINING);
        assertThat(RfmRules.stage(new RfmScores(3, 3, 1), OLD_CONTACT, T, TODAY)).isEqualTo(LifecycleStage.MATURE);
        assertThat(RfmRules.stage(new RfmScores(5, 1, 1), new ContactFacts(true, true, at("2026-10-24")), T, TODAY))
                .isEqualTo(LifecycleStage.NEW); // added 30 days ago
        assertThat(RfmRules.stage(new RfmScores(5, 1, 1), new ContactFacts(true, true, at("2026-10-23")), T, TODAY))
                .isEqualTo(LifecycleStage.GROWING); // added 31 days ago
        assertThat(RfmRules.stage(new RfmScores(5, 2, 1), ContactFacts.UNKNOWN, T, TODAY)).isEqualTo(LifecycleStage.GROWING);
    }

    @Test
    void noPaidOrderMeansNoStanding() {
        assertThat(RfmRules.evaluate(RfmTotals.NONE, OLD_CONTACT, T, TODAY)).isEmpty();
    }

    @Test
    void theNextBoundaryIsTheDayRecencyDropsOrTheCustomerStopsBeingNew() {
        RfmProfile p = RfmRules.evaluate(new RfmTotals(1, 100, at("2026-11-20")), OLD_CONTACT, T, TODAY).orElseThrow();
        assertThat(p.recencyDays()).isEqualTo(3);
        assertThat(p.nextBoundary()).isEqualTo(LocalDate.of(2026, 12, 21));
        RfmProfile fresh = RfmRules.evaluate(new RfmTotals(1, 100, at("2026-11-20")),
                new ContactFacts(true, true, at("2026-11-13")), T, TODAY).orElseThrow();
        assertThat(fresh.stage()).isEqualTo(LifecycleStage.NEW);
        assertThat(fresh.nextBoundary()).isEqualTo(LocalDate.of(2026, 12, 14));
        RfmProfile gone = RfmRules.evaluate(new RfmTotals(1, 100, at("2025-11-20")), OLD_CONTACT, T, TODAY).orElseThrow();
        assertThat(gone.scores().recency()).isEqualTo(1);
        assertThat(gone.nextBoundary()).isNull();
    }

    /** Re-scoring on the boundary day always changes the standing, and never earlier: the daily job misses nobody. */
    @Property(tries = 300)
    void nothingChangesBeforeTheBoundaryAndSomethingChangesOnIt(@ForAll @IntRange(min = 0, max = 400) int paidDaysAgo,
                                                             @ForAll @IntRange(min = 0, max = 60) int addedDaysAgo,
                                                             @ForAll @LongRange(min = 1, max = 12) long orders,
                                                             @ForAll @LongRange(min = 0, max = 900_000) long fen) {
        ContactFacts contact = new ContactFacts(true, true, TODAY.minusDays(addedDaysAgo).atTime(9, 0)
                .atZone(ZoneId.of("Asia/Shanghai")).toInstant());
        RfmTotals totals = new RfmTotals(orders, fen, TODAY.minusDays(paidDaysAgo).atTime(20, 0)
                .atZone(ZoneId.of("Asia/Shanghai")).toInstant());
        RfmProfile now = RfmRules.evaluate(totals, contact, T, TODAY).orElseThrow();
        LocalDate end = now.nextBoundary() == null ? TODAY.plusDays(400) : now.nextBoundary();
        for (LocalDate d = TODAY.plusDays(1); d.isBefore(end); d = d.plusDays(1)) {
            RfmProfile later = RfmRules.evaluate(totals, contact, T, d).orElseThrow();
            assertThat(later.scores()).isEqualTo(now.scores());
            assertThat(later.stage()).isEqualTo(now.stage());
        }
        if (now.nextBoundary() != null) {
            RfmProfile on = RfmRules.evaluate(totals, contact, T, now.nextBoundary()).orElseThrow();
            assertThat(on.scores().equals(now.scores()) && on.stage() == now.stage()).isFalse();
        }
    }

    @Test
    void thresholdsMustBeFourStrictlyAscendingNumbersInRange() {
        assertThat(RfmThresholds.problems(List.of(30, 60, 90, 180), List.of(2L, 3L, 5L, 10L),
                List.of(1L, 2L, 3L, 4L), 3, 30)).isEmpty();
        assertThat(RfmThresholds.problems(List.of(30, 30, 90, 180), List.of(1L, 3L, 5L, 10L), List.of(1L, 2L, 3L),
                1, 0)).containsOnlyKeys("recencyDays", "frequencyOrders", "monetaryFen", "highScoreFrom", "newCustomerDays");
        assertThat(RfmThresholds.problems(null, null, null, 3, 30)).containsOnlyKeys("recencyDays", "frequencyOrders", "monetaryFen");
        assertThat(RfmThresholds.problems(java.util.Arrays.asList(1, null, 3, 4), List.of(2L, 3L, 5L, 10L),
                List.of(1L, 2L, 3L, 4L), 3, 30)).containsOnlyKeys("recencyDays");
        assertThatThrownBy(() -> new RfmThresholds(List.of(1, 2, 3), List.of(2L, 3L, 5L, 10L), List.of(1L, 2L, 3L, 4L), 3, 30))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
