package io.siyu.core.sop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class DueStepsTest {

    private static final Duration SETTLE = Duration.ofMinutes(2);

    private static Sop sop(SopKind kind, Step... steps) {
        return new Sop("ww1", "sop1", "n", kind, SopStatus.ACTIVE, Audience.of(List.of("zhangsan", "lisi")), List.of(steps), 1,
                Instant.EPOCH, Instant.EPOCH);
    }

    private static Step step(String id, Schedule s) {
        return new Step(id, s, ChatType.SINGLE, new Content("hi", List.of()));
    }

    private static Instant shanghai(String local) {
        return SopTime.instant(LocalDateTime.parse(local));
    }

    @Test
    void aBroadcastFiresAtItsLocalMinuteWithOneSourcePerSender() {
        Sop sop = sop(SopKind.BROADCAST, step("s1", new Schedule.At(LocalDateTime.parse("2026-03-06T18:00"))));
        assertThat(DueSteps.at(sop, Instant.parse("2026-03-06T09:59:00Z"), SETTLE)).isEmpty();
        var due = DueSteps.at(sop, Instant.parse("2026-03-06T10:00:00Z"), SETTLE); // 18:00 in Shanghai
        assertThat(due).singleElement().satisfies(d -> {
            assertThat(d.run().key()).isEqualTo("ww1#sop1#s1#2026-03-06T18:00");
            assertThat(d.sources()).containsExactly(new ChainSource.Staff("zhangsan"), new ChainSource.Staff("lisi"));
        });
    }

    @Test
    void aRecurrenceIsEvaluatedInShanghaiTimeNotUtc() {
        // Friday 02:00 in Shanghai is Thursday 18:00 UTC.
        Sop sop = sop(SopKind.BROADCAST, step("s1", new Schedule.Recurring(Cron.parse("0 2 * * FRI"))));
        assertThat(DueSteps.at(sop, Instant.parse("2026-03-05T18:00:00Z"), SETTLE)).singleElement()
                .satisfies(d -> assertThat(d.run().occurrence()).isEqualTo("2026-03-06T02:00"));
        assertThat(DueSteps.at(sop, Instant.parse("2026-03-06T02:00:00Z"), SETTLE)).isEmpty();
    }

    @Test
    void dayOneAtNineCrossesTheLocalDayBoundary() {
        // Customers added on 1 March (local) get "day 1 at 09:00" on 2 March 09:00 local = 01:00Z, planned SETTLE later.
        Sop sop = sop(SopKind.JOURNEY, step("d1", new Schedule.DayAt(1, LocalTime.parse("09:00"))));
        Instant planning = shanghai("2026-03-02T09:02");
        var due = DueSteps.at(sop, planning, SETTLE);
        assertThat(due).singleElement().satisfies(d -> {
            assertThat(d.run().occurrence()).isEqualTo("2026-03-02");
            ChainSource.Added src = (ChainSource.Added) d.sources().get(0);
            assertThat(src.day()).isEqualTo(LocalDate.parse("2026-03-01"));
            assertThat(src.from()).isEqualTo(Instant.parse("2026-02-28T16:00:00Z"));
            assertThat(src.to()).isEqualTo(Instant.parse("2026-03-01T16:00:00Z"));
        });
        assertThat(DueSteps.at(sop, shanghai("2026-03-02T09:01"), SETTLE)).isEmpty();
        assertThat(DueSteps.at(sop, shanghai("2026-03-02T09:03"), SETTLE)).isEmpty();
    }

    @Test
    void dayZeroOnlyReachesThoseAddedBeforeTheTime() {
        Sop sop = sop(SopKind.JOURNEY, step("d0", new Schedule.DayAt(0, LocalTime.parse("20:00"))));
        ChainSource.Added src = (ChainSource.Added) DueSteps.at(sop, shanghai("2026-03-02T20:02"), SETTLE).get(0).sources().get(0);
        assertThat(src.from()).isEqualTo(shanghai("2026-03-02T00:00"));
        assertThat(src.to()).isEqualTo(shanghai("2026-03-02T20:00"));
        Sop midnight = sop(SopKind.JOURNEY, step("d0", new Schedule.DayAt(0, LocalTime.MIDNIGHT)));
        assertThat(DueSteps.at(midnight, shanghai("2026-03-02T00:02"), SETTLE)).as("nobody is added before 00:00").isEmpty();
    }

    @Test
    void anOffsetReadsTheMinuteOfAddsItFiresForEvenOnThePreviousLocalDay() {
        Sop sop = sop(SopKind.JOURNEY, step("h1", new Schedule.AfterAdd(90)));
        // Planned at 00:32 local on 3 March: fires in [00:30, 00:31) for adds in [23:00, 23:01) on 2 March.
        var d = DueSteps.at(sop, shanghai("2026-03-03T00:32:40"), SETTLE).get(0);
        ChainSource.Added src = (ChainSource.Added) d.sources().get(0);
        assertThat(d.run().occurrence()).isEqualTo("2026-03-03");
        assertThat(src.day()).isEqualTo(LocalDate.parse("2026-03-02"));
        assertThat(src.from()).isEqualTo(shanghai("2026-03-02T23:00"));
        assertThat(src.to()).isEqualTo(shanghai("2026-03-02T23:01"));
        assertThat(src.id()).isEqualTo("J:2026-03-03T00:30");
    }

    @Test
    void groupStepsHaveOneSourcePerSenderOfTheirGroups() {
        Audience groups = new Audience(List.of(), null, null, null, null, null, null, null, null,
                List.of(new GroupTarget("zhangsan", List.of("wr1", "wr2")), new GroupTarget("lisi", List.of("wr3"))));
        Sop sop = new Sop("ww1", "sop1", "n", SopKind.BROADCAST, SopStatus.ACTIVE, groups,
                List.of(new Step("g", new Schedule.At(LocalDateTime.parse("2026-03-06T18:00")), ChatType.GROUP, new Content("hi", List.of()))),
                1, Instant.EPOCH, Instant.EPOCH);
        assertThat(DueSteps.at(sop, shanghai("2026-03-06T18:00"), SETTLE).get(0).sources())
                .containsExactly(new ChainSource.Groups("zhangsan"), new ChainSource.Groups("lisi"));
    }
}
