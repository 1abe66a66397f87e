package io.siyu.functions.sopplanner;

import static io.siyu.functions.sopplanner.SopWorld.CORP;
import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.core.contacts.RelationshipStatus;
import io.siyu.core.rfm.LifecycleStage;
import io.siyu.core.rfm.Segment;
import io.siyu.core.sop.Audience;
import io.siyu.core.sop.Cron;
import io.siyu.core.sop.DispatchStore.Dispatch;
import io.siyu.core.sop.RunCounters;
import io.siyu.core.sop.RunId;
import io.siyu.core.sop.Schedule;
import io.siyu.core.sop.SopTime;
import io.siyu.dynamodb.ContactSeeder;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The tick and the chains over the emulated tables and queues, with a clock the test moves. */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class PlannerTest {

    private static final Instant SIX_PM = SopTime.instant(LocalDateTime.parse("2026-03-06T18:00")); // 10:00Z
    private static final RunId SIX_PM_RUN = new RunId(CORP, "b1", "s1", "2026-03-06T18:00");

    private SopWorld world;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        world = new SopWorld(aws);
    }

    private void twoSendersWithCustomers() {
        Instant added = Instant.parse("2026-02-01T02:00:00Z");
        List<io.siyu.core.contacts.Relationship> rels = new ArrayList<>();
        IntStream.range(0, 5).forEach(i -> rels.add(world.contacts.active("wmz" + i, "zhangsan", added)));
        IntStream.range(0, 3).forEach(i -> rels.add(world.contacts.active("wml" + i, "lisi", added)));
        world.contacts.putAll(rels);
    }

    @Test
    void aDueStepIsPlannedOnceWhenTwoPlannersTickAtTheSameTime() throws Exception {
        twoSendersWithCustomers();
        world.sops.create(SopWorld.broadcast("b1", new Schedule.At(LocalDateTime.parse("2026-03-06T18:00")),
                Audience.of(List.of("zhangsan", "lisi"))));
        world.clock.set(SIX_PM.plusSeconds(3));
        for (int round = 0; round < 5; round++) {
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<PlannerService.Tick>> ticks = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                PlannerService planner = world.planner();
                Callable<PlannerService.Tick> tick = () -> {
                    start.await();
                    return planner.tick(SIX_PM, SIX_PM.plusSeconds(50));
                };
                ticks.add(pool.submit(tick));
            }
            start.countDown();
            for (Future<PlannerService.Tick> t : ticks) {
                t.get();
            }
            pool.shutdown();
        }
        world.workChains(world.chains(1000, 0, 10_000));

        RunCounters c = world.run(SIX_PM_RUN).counters();
        assertThat(c.chains()).as("one chain per sender, created once").isEqualTo(2);
        assertThat(c.chainsDone()).isEqualTo(2);
        assertThat(c.planned()).as("every customer planned once").isEqualTo(8);
        assertThat(c.dispatches()).isEqualTo(2);
        Set<String> dispatchKeys = new HashSet<>(world.queuedDispatches());
        assertThat(dispatchKeys).hasSize(2);
        List<String> recipients = dispatchKeys.stream().flatMap(k -> world.dispatch(k).recipients().stream()).toList();
        assertThat(recipients).hasSize(8).doesNotHaveDuplicates();
        assertThat(world.planning.nextMinute(CORP)).contains(SIX_PM.plusSeconds(60));
    }

    @Test
    void missedTicksAreCaughtUpAndARepeatedTickPlansNothingTwice() {
        twoSendersWithCustomers();
        world.sops.create(SopWorld.broadcast("b1", new Schedule.At(LocalDateTime.parse("2026-03-06T18:00")),
                Audience.of(List.of("zhangsan"))));
        assertThat(world.tick(SIX_PM.minusSeconds(300)).runs()).isZero(); // 17:55: first tick ever
        // 17:56 ... 18:06 never ran; the 18:07 tick plans every minute since 17:56.
        PlannerService.Tick late = world.tick(SIX_PM.plusSeconds(420));
        assertThat(late.from()).isEqualTo(SIX_PM.minusSeconds(240));
        assertThat(late.minutes()).isEqualTo(12);
        assertThat(late.runs()).isEqualTo(1);
        assertThat(late.chainsStarted()).isEqualTo(1);
        assertThat(world.tick(SIX_PM.plusSeconds(420)).runs()).as("the same tick again").isZero();
        assertThat(world.tick(SIX_PM.plusSeconds(425)).runs()).as("later in the same minute").isZero();

        // A tick that died after planning but before moving its cursor is redone: nothing new is started.
        world.workChains(world.chains(1000, 0, 10_000));
        world.planning.advance(CORP, world.planning.nextMinute(CORP), SIX_PM.minusSeconds(60));
        PlannerService.Tick redo = world.tick(SIX_PM.plusSeconds(480));
        assertThat(redo.runs()).isEqualTo(1);
        assertThat(redo.chainsStarted()).as("the chain exists and has run").isZero();
        world.workChains(world.chains(1000, 0, 10_000));
        assertThat(world.run(SIX_PM_RUN).counters().planned()).isEqualTo(5);
        assertThat(world.queuedDispatches()).hasSize(1);
    }

    @Test
    void aRecurringStepFiresOnEveryMatchingLocalMinuteWithItsOwnRun() {
        twoSendersWithCustomers();
        world.sops.create(SopWorld.broadcast("b1", new Schedule.Recurring(Cron.parse("0 18 * * FRI")), Audience.of(List.of("lisi"))));
        world.tick(SIX_PM.minusSeconds(60));
        world.tick(SIX_PM);
        world.tick(SIX_PM.plusSeconds(7 * 86_400 - 60));
        world.tick(SIX_PM.plusSeconds(7 * 86_400));
        world.workChains(world.chains(1000, 0, 10_000));
        assertThat(world.run(SIX_PM_RUN).counters().planned()).isEqualTo(3);
        assertThat(world.run(new RunId(CORP, "b1", "s1", "2026-03-13T18:00")).counters().planned()).isEqualTo(3);
        assertThat(world.queuedDispatches()).hasSize(2);
    }

    @Test
    void lostAndPendingCustomersAreSkippedAndCountedNotSent() {
        Instant added = Instant.parse("2026-02-01T02:00:00Z");
        world.contacts.put(world.contacts.active("wm1", "zhangsan", added),
                ContactSeeder.relationship(CORP, "wmLost", "zhangsan", RelationshipStatus.LOST, null, Set.of(), added),
                ContactSeeder.relationship(CORP, "wmPending", "zhangsan", RelationshipStatus.PENDING, null, Set.of(), added),
                ContactSeeder.relationship(CORP, "wmLostNotVip", "zhangsan", RelationshipStatus.LOST, null, Set.of("other"), added),
                ContactSeeder.relationship(CORP, "wmVip", "zhangsan", RelationshipStatus.ACTIVE, null, Set.of("vip"), added));
        world.contacts.lose("wm1", "zhangsan");
        Audience everyone = Audience.of(List.of("zhangsan"));
        world.sops.create(SopWorld.broadcast("b1", new Schedule.At(LocalDateTime.parse("2026-03-06T18:00")), everyone));
        world.tick(SIX_PM);
        world.workChains(world.chains(2, 1, 10_000));

        RunCounters c = world.run(SIX_PM_RUN).counters();
        assertThat(c.planned()).isEqualTo(1);
        assertThat(c.skippedLost()).isEqualTo(3);
        assertThat(c.skippedPending()).isEqualTo(1);
        assertThat(world.queuedDispatches()).singleElement()
                .satisfies(k -> assertThat(world.dispatch(k).recipients()).containsExactly("wmVip"));
    }

    @Test
    void onlyTheFilteredAudienceCountsAsSkipped() {
        Instant added = Instant.parse("2026-02-01T02:00:00Z");
        world.contacts.put(ContactSeeder.relationship(CORP, "wmVip", "zhangsan", RelationshipStatus.ACTIVE, "ch1", Set.of("vip"), added),
                ContactSeeder.relationship(CORP, "wmVipLost", "zhangsan", RelationshipStatus.LOST, "ch1", Set.of("vip"), added),
                ContactSeeder.relationship(CORP, "wmOther", "zhangsan", RelationshipStatus.ACTIVE, "ch1", Set.of("x"), added),
                ContactSeeder.relationship(CORP, "wmOtherLost", "zhangsan", RelationshipStatus.LOST, "ch1", Set.of("x"), added));
        Audience vips = new Audience(List.of("zhangsan"), Set.of("vip"), null, null, Set.of("ch1"), null, null, null, null, null);
        world.sops.create(SopWorld.broadcast("b1", new Schedule.At(LocalDateTime.parse("2026-03-06T18:00")), vips));
        world.tick(SIX_PM);
        world.workChains(world.chains(1000, 0, 10_000));
        RunCounters c = world.run(SIX_PM_RUN).counters();
        assertThat(c.planned()).isEqualTo(1);
        assertThat(c.skippedLost()).isEqualTo(1);
    }

    @Test
    void rfmFiltersSelectByTheCustomersStoredSegmentAndStage() {
        Instant added = Instant.parse("2026-02-01T02:00:00Z");
        world.contacts.put(world.contacts.active("wmValueMature", "zhangsan", added),
                world.contacts.active("wmRetainLost", "zhangsan", added),
                world.contacts.active("wmValueGrowing", "zhangsan", added),
                world.contacts.active("wmNoOrders", "zhangsan", added));
        world.rfm("wmValueMature", Segment.IMPORTANT_VALUE, LifecycleStage.MATURE);
        world.rfm("wmRetainLost", Segment.GENERAL_RETAIN, LifecycleStage.LOST);
        world.rfm("wmValueGrowing", Segment.IMPORTANT_VALUE, LifecycleStage.GROWING);
        Audience valuableAndMature = new Audience(List.of("zhangsan"), null, null, null, null, null, null,
                Set.of("IMPORTANT_VALUE", "GENERAL_RETAIN"), Set.of("MATURE"), null);
        world.sops.create(SopWorld.broadcast("b1", new Schedule.At(LocalDateTime.parse("2026-03-06T18:00")), valuableAndMature));
        world.tick(SIX_PM);
        world.workChains(world.chains(2, 1, 10_000));

        assertThat(world.run(SIX_PM_RUN).counters().planned()).isEqualTo(1);
        assertThat(world.queuedDispatches()).singleElement()
                .satisfies(k -> assertThat(world.dispatch(k).recipients()).containsExactly("wmValueMature"));
    }

    @Test
    void aLargeAudienceIsHandedOnPageByPageIntoTheMinimumNumberOfCalls() {
        Instant added = Instant.parse("2026-02-01T02:00:00Z");
        List<io.siyu.core.contacts.Relationship> rels = new ArrayList<>();
        IntStream.range(0, 33).forEach(i -> rels.add(world.contacts.active(String.format("wm%03d", i), "zhangsan", added)));
        IntStream.range(0, 4).forEach(i -> rels.add(world.contacts.active("wmLisi" + i, "lisi", added)));
        world.contacts.putAll(rels);
        world.sops.create(SopWorld.broadcast("b1", new Schedule.At(LocalDateTime.parse("2026-03-06T18:00")),
                Audience.of(List.of("zhangsan", "lisi"))));
        world.tick(SIX_PM);
        // 7 members a page, one page per invocation, 10 recipients per call: every page is handed on through the queue.
        int worked = world.workChains(world.chains(7, 1, 10));
        assertThat(worked).as("chain messages worked").isGreaterThanOrEqualTo(5 + 1);

        List<String> keys = world.queuedDispatches();
        List<Dispatch> zhangsan = keys.stream().map(world::dispatch).filter(d -> d.head().sender().equals("zhangsan")).toList();
        assertThat(zhangsan).extracting(d -> d.head().recipients()).containsExactlyInAnyOrder(10, 10, 10, 3);
        assertThat(keys.stream().map(world::dispatch).filter(d -> d.head().sender().equals("lisi")).toList()).hasSize(1);
        List<String> all = keys.stream().flatMap(k -> world.dispatch(k).recipients().stream()).toList();
        assertThat(all).hasSize(37).doesNotHaveDuplicates();
        RunCounters c = world.run(SIX_PM_RUN).counters();
        assertThat(c.planned()).isEqualTo(37);
        assertThat(c.dispatches()).isEqualTo(5);
    }

    @Test
    void tenThousandAndOneCustomersOfOneSenderMakeTwoCallsAtWeComsRealMaximum() {
        Instant added = Instant.parse("2026-02-01T02:00:00Z");
        world.contacts.putAll(IntStream.range(0, 10_001).mapToObj(i -> world.contacts.active(String.format("wm%027d", i), "zhangsan", added)).toList());
        world.sops.create(SopWorld.broadcast("b1", new Schedule.At(LocalDateTime.parse("2026-03-06T18:00")), Audience.of(List.of("zhangsan"))));
        world.tick(SIX_PM);
        world.workChains(world.chains(1000, 0, ChainService.MAX_CUSTOMERS_PER_CALL));
        List<Dispatch> sent = world.queuedDispatches().stream().map(world::dispatch).toList();
        assertThat(sent).extracting(d -> d.head().recipients()).containsExactlyInAnyOrder(10_000, 1);
        assertThat(sent.get(0).pages()).allSatisfy(p -> assertThat(p.ids()).hasSizeLessThanOrEqualTo(ChainService.PAGE_SIZE));
    }

    @Test
    void journeyStepsFireAtTheRightLocalTimeAcrossADayBoundary() {
        // Added 1 March 23:30 and 2 March 00:10, Shanghai time (15:30Z and 16:10Z on 1 March).
        world.contacts.put(world.contacts.active("wmLate", "zhangsan", SopTime.instant(LocalDateTime.parse("2026-03-01T23:30"))),
                world.contacts.active("wmEarly", "lisi", SopTime.instant(LocalDateTime.parse("2026-03-02T00:10"))));
        world.sops.create(SopWorld.journey("j9", new Schedule.DayAt(1, LocalTime.parse("09:00"))));
        world.sops.create(SopWorld.journey("j60", new Schedule.AfterAdd(60)));

        world.tick(SopTime.instant(LocalDateTime.parse("2026-03-02T00:00")));
        for (String local : List.of("2026-03-02T00:32", "2026-03-02T01:12", "2026-03-02T09:02", "2026-03-03T09:02")) {
            world.tick(SopTime.instant(LocalDateTime.parse(local)));
            world.workChains(world.chains(1000, 0, 10_000));
        }

        // The hour-after step: 2 March 00:30 for wmLate (across midnight) and 01:10 for wmEarly, both runs of 2 March.
        RunCounters hour = world.run(new RunId(CORP, "j60", "j1", "2026-03-02")).counters();
        assertThat(hour.planned()).isEqualTo(2);
        assertThat(hour.chains()).as("one chain per fire minute").isEqualTo(2);
        // Day 1 at 09:00: wmLate (added 1 March) on 2 March, wmEarly (added 2 March) on 3 March. wmLate had
        // the hour-after message on 2 March already: one mass message a day, so its day-1 step moves to 3 March 09:00.
        RunCounters dayOne = world.run(new RunId(CORP, "j9", "j1", "2026-03-02")).counters();
        assertThat(dayOne.deferred()).isEqualTo(1);
        assertThat(dayOne.deferredResolved()).as("planned on 3 March by the deferred chain").isEqualTo(1);
        assertThat(dayOne.planned()).isEqualTo(1);
        assertThat(world.run(new RunId(CORP, "j9", "j1", "2026-03-03")).counters().planned()).isEqualTo(1);

        List<Dispatch> sent = world.queuedDispatches().stream().map(world::dispatch).toList();
        assertThat(sent).hasSize(4);
        assertThat(sent.stream().filter(d -> d.head().run().sopId().equals("j9")))
                .extracting(d -> d.head().run().occurrence() + " " + d.head().sender() + " " + d.recipients())
                .containsExactlyInAnyOrder("2026-03-02 zhangsan [wmLate]", "2026-03-03 lisi [wmEarly]");
        assertThat(sent.stream().filter(d -> d.recipients().contains("wmLate") && d.head().run().sopId().equals("j9")))
                .singleElement().satisfies(d -> assertThat(d.head().key()).contains("#D:2026-03-03T09:00#"));
    }

    @Test
    void aJourneyStepIsPlannedTheSettleTimeAfterItsTimeSoLateRecordedContactsAreIn() {
        world.sops.create(SopWorld.journey("j0", new Schedule.AfterAdd(0)));
        Instant add = SopTime.instant(LocalDateTime.parse("2026-03-02T10:00:20"));
        world.tick(SopTime.instant(LocalDateTime.parse("2026-03-02T10:00")));
        world.tick(SopTime.instant(LocalDateTime.parse("2026-03-02T10:01")));
        // attribution records the contact 70 s after the add, after the 10:01 tick
        world.contacts.put(world.contacts.active("wmNew", "zhangsan", add));
        world.tick(SopTime.instant(LocalDateTime.parse("2026-03-02T10:02")));
        world.workChains(world.chains(1000, 0, 10_000));
        assertThat(world.queuedDispatches()).singleElement()
                .satisfies(k -> assertThat(world.dispatch(k).recipients()).containsExactly("wmNew"));
    }

    @Test
    void aPausedSopIsNotPlanned() {
        twoSendersWithCustomers();
        var sop = SopWorld.broadcast("b1", new Schedule.At(LocalDateTime.parse("2026-03-06T18:00")), Audience.of(List.of("zhangsan")));
        world.sops.create(new io.siyu.core.sop.Sop(CORP, "b1", sop.name(), sop.kind(), io.siyu.core.sop.SopStatus.PAUSED,
                sop.audience(), sop.steps(), 1, Instant.EPOCH, Instant.EPOCH));
        assertThat(world.tick(SIX_PM).runs()).isZero();
    }
}
