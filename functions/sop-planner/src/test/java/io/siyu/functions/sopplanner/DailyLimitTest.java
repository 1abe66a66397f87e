package io.siyu.functions.sopplanner;

import static io.siyu.functions.sopplanner.SopWorld.CORP;
import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.core.sop.Audience;
import io.siyu.core.sop.ChatType;
import io.siyu.core.sop.Cron;
import io.siyu.core.sop.DailyClaims;
import io.siyu.core.sop.DailyClaims.Claim;
import io.siyu.core.sop.DayCounters;
import io.siyu.core.sop.DispatchStore.Dispatch;
import io.siyu.core.sop.RunCounters;
import io.siyu.core.sop.RunId;
import io.siyu.core.sop.Schedule;
import io.siyu.core.sop.Sop;
import io.siyu.core.sop.SopTime;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One mass message per recipient and local day, across SOPs: broadcasts skip, journeys defer. */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class DailyLimitTest {

    private static final Instant ADDED = Instant.parse("2026-02-01T02:00:00Z");
    private static final LocalDate MARCH_6 = LocalDate.parse("2026-03-06");

    private SopWorld world;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        world = new SopWorld(aws);
        world.contacts.putAll(IntStream.range(0, 5).mapToObj(i -> world.contacts.active("wm" + i, "zhangsan", ADDED)).toList());
    }

    private static Sop withPriority(Sop sop, int priority) {
        return new Sop(sop.corpId(), sop.sopId(), sop.name(), sop.kind(), sop.status(), sop.audience(), sop.steps(), sop.version(),
                sop.createdAt(), sop.updatedAt(), priority);
    }

    private static Instant at(String local) {
        return SopTime.instant(LocalDateTime.parse(local));
    }

    @Test
    void aBroadcastRecipientWhoseDayIsTakenIsSkippedAndCounted() {
        world.sops.create(SopWorld.broadcast("morning", new Schedule.At(LocalDateTime.parse("2026-03-06T09:00")), Audience.of(List.of("zhangsan"))));
        world.sops.create(SopWorld.broadcast("evening", new Schedule.At(LocalDateTime.parse("2026-03-06T18:00")), Audience.of(List.of("zhangsan"))));
        world.tick(at("2026-03-06T09:00"));
        world.workChains(world.chains(1000, 0, 10_000));
        world.tick(at("2026-03-06T18:00"));
        world.workChains(world.chains(2, 1, 10_000)); // page by page: the skips are counted once per page

        assertThat(world.run(new RunId(CORP, "morning", "s1", "2026-03-06T09:00")).counters().planned()).isEqualTo(5);
        RunCounters evening = world.run(new RunId(CORP, "evening", "s1", "2026-03-06T18:00")).counters();
        assertThat(evening.planned()).isZero();
        assertThat(evening.skippedDailyLimitPlanned()).isEqualTo(5);
        assertThat(evening.dispatches()).isZero();
        assertThat(evening.chainsDone()).isEqualTo(1);
        assertThat(world.queuedDispatches()).singleElement();
        assertThat(world.claims.days(CORP, MARCH_6, MARCH_6)).singleElement()
                .satisfies(d -> assertThat(d.counters()).isEqualTo(new DayCounters(5, 0, 0, 5)));
    }

    @Test
    void aRecurringStepThatFiresTwiceADayReachesEachCustomerOnce() {
        world.sops.create(SopWorld.broadcast("twice", new Schedule.Recurring(Cron.parse("0 9,18 * * *")), Audience.of(List.of("zhangsan"))));
        world.tick(at("2026-03-06T09:00"));
        world.tick(at("2026-03-06T18:00"));
        world.tick(at("2026-03-07T09:00"));
        world.workChains(world.chains(1000, 0, 10_000));
        assertThat(world.run(new RunId(CORP, "twice", "s1", "2026-03-06T09:00")).counters().planned()).isEqualTo(5);
        assertThat(world.run(new RunId(CORP, "twice", "s1", "2026-03-06T18:00")).counters().skippedDailyLimitPlanned()).isEqualTo(5);
        assertThat(world.run(new RunId(CORP, "twice", "s1", "2026-03-07T09:00")).counters().planned()).as("a new day").isEqualTo(5);
    }

    @Test
    void stepsDueInTheSameMinuteArePlannedInPriorityOrder() {
        Audience all = Audience.of(List.of("zhangsan"));
        Schedule six = new Schedule.At(LocalDateTime.parse("2026-03-06T18:00"));
        world.sops.create(withPriority(SopWorld.broadcast("alow", six, all), 1));
        world.sops.create(withPriority(SopWorld.broadcast("bhigh", six, all), 9));
        world.sops.create(SopWorld.broadcast("cmid", six, all));
        world.tick(at("2026-03-06T18:00"));
        // Whatever order the queue hands the chains out in, the lower priorities wait for the higher ones.
        world.workChains(world.chains(2, 1, 10_000));
        assertThat(world.run(new RunId(CORP, "bhigh", "s1", "2026-03-06T18:00")).counters().planned()).isEqualTo(5);
        assertThat(world.run(new RunId(CORP, "cmid", "s1", "2026-03-06T18:00")).counters().skippedDailyLimitPlanned()).isEqualTo(5);
        assertThat(world.run(new RunId(CORP, "alow", "s1", "2026-03-06T18:00")).counters().skippedDailyLimitPlanned()).isEqualTo(5);
        assertThat(world.planning.chain("%s#cmid#s1#2026-03-06T18:00#S:zhangsan".formatted(CORP)).orElseThrow().after())
                .containsExactly("%s#bhigh#s1#2026-03-06T18:00#S:zhangsan".formatted(CORP));
        assertThat(world.planning.chain("%s#alow#s1#2026-03-06T18:00#S:zhangsan".formatted(CORP)).orElseThrow().after()).hasSize(2);
    }

    @Test
    void aWaitingChainGoesOnWhenTheHigherPriorityChainOutlivesTheBound() {
        Audience all = Audience.of(List.of("zhangsan"));
        Schedule six = new Schedule.At(LocalDateTime.parse("2026-03-06T18:00"));
        world.sops.create(withPriority(SopWorld.broadcast("alow", six, all), 1));
        world.sops.create(withPriority(SopWorld.broadcast("bhigh", six, all), 9));
        world.tick(at("2026-03-06T18:00"));
        String low = "%s#alow#s1#2026-03-06T18:00#S:zhangsan".formatted(CORP);
        ChainService chains = world.chains(1000, 0, 10_000);
        assertThat(chains.work(low, world.clock.instant().plusSeconds(40))).isEqualTo(ChainService.Outcome.WAITING);
        world.clock.set(at("2026-03-06T18:15"));
        assertThat(chains.work(low, world.clock.instant().plusSeconds(40))).isEqualTo(ChainService.Outcome.DONE);
        assertThat(world.run(new RunId(CORP, "alow", "s1", "2026-03-06T18:00")).counters().planned()).isEqualTo(5);
    }

    @Test
    void aJourneyRecipientMovesToTheNextFreeDayWithinTheBoundAndIsPlannedThere() {
        world.maxDeferDays = 2;
        world.contacts.put(world.contacts.active("wmA", "lisi", at("2026-03-01T10:00")), world.contacts.active("wmB", "lisi", at("2026-03-01T11:00")));
        // Other SOPs hold wmA's 2 and 3 March and wmB's 2, 3 and 4 March.
        DailyClaims.Claim[] taken = {claim("wmA", "2026-03-02"), claim("wmA", "2026-03-03"), claim("wmB", "2026-03-02"),
                claim("wmB", "2026-03-03"), claim("wmB", "2026-03-04")};
        assertThat(world.claims.claim(CORP, List.of(taken))).containsOnly(true);
        world.sops.create(SopWorld.journey("j1", new Schedule.DayAt(1, LocalTime.parse("09:00"))));

        world.tick(at("2026-03-02T09:00"));
        world.tick(at("2026-03-02T09:02"));
        world.workChains(world.chains(1000, 0, 10_000));
        RunId run = new RunId(CORP, "j1", "j1", "2026-03-02");
        RunCounters c = world.run(run).counters();
        assertThat(c.planned()).isZero();
        assertThat(c.deferred()).as("wmA, to 4 March").isEqualTo(1);
        assertThat(c.skippedDailyLimitPlanned()).as("wmB: no free day within 2").isEqualTo(1);
        assertThat(c.deferredWaiting()).isEqualTo(1);
        assertThat(world.queuedDispatches()).isEmpty();

        world.tick(at("2026-03-03T09:02"));
        world.workChains(world.chains(1000, 0, 10_000));
        assertThat(world.queuedDispatches()).as("3 March: nothing deferred to it").isEmpty();
        world.tick(at("2026-03-04T09:01"));
        world.workChains(world.chains(1000, 0, 10_000));
        assertThat(world.queuedDispatches()).as("not before the settle delay").isEmpty();
        world.tick(at("2026-03-04T09:02"));
        world.workChains(world.chains(1000, 0, 10_000));
        List<Dispatch> sent = world.queuedDispatches().stream().map(world::dispatch).toList();
        assertThat(sent).singleElement().satisfies(d -> {
            assertThat(d.recipients()).containsExactly("wmA");
            assertThat(d.head().sender()).isEqualTo("lisi");
            assertThat(d.head().run()).isEqualTo(run);
        });
        c = world.run(run).counters();
        assertThat(c.planned()).isEqualTo(1);
        assertThat(c.deferredResolved()).isEqualTo(1);
        assertThat(c.deferredWaiting()).isZero();
        assertThat(c.chains()).as("the fire minute's chain and the deferred one").isEqualTo(2);
        assertThat(c.chainsDone()).isEqualTo(2);
        Map<LocalDate, DayCounters> days = world.claims.days(CORP, LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-10")).stream()
                .collect(Collectors.toMap(DailyClaims.Day::day, DailyClaims.Day::counters));
        assertThat(days).containsEntry(LocalDate.parse("2026-03-02"), new DayCounters(0, 0, 1, 1))
                .containsEntry(LocalDate.parse("2026-03-04"), new DayCounters(1, 1, 0, 0)).hasSize(2);
        // A broadcast on 4 March finds wmA's day taken by the deferred step.
        assertThat(world.claims.claim(CORP, List.of(new Claim(ChatType.SINGLE, "wmA", LocalDate.parse("2026-03-04"), "x#y")))).containsExactly(false);
    }

    @Test
    void withoutABoundLeftAJourneyRecipientIsSkipped() {
        world.maxDeferDays = 0;
        world.contacts.put(world.contacts.active("wmA", "lisi", at("2026-03-01T10:00")));
        world.claims.claim(CORP, List.of(claim("wmA", "2026-03-02")));
        world.sops.create(SopWorld.journey("j1", new Schedule.DayAt(1, LocalTime.parse("09:00"))));
        world.tick(at("2026-03-02T09:02"));
        world.workChains(world.chains(1000, 0, 10_000));
        RunCounters c = world.run(new RunId(CORP, "j1", "j1", "2026-03-02")).counters();
        assertThat(c.skippedDailyLimitPlanned()).isEqualTo(1);
        assertThat(c.deferred()).isZero();
    }

    private static Claim claim(String id, String day) {
        return new Claim(ChatType.SINGLE, id, LocalDate.parse(day), "othersop#x");
    }
}
