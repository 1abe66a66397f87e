package io.siyu.functions.sopplanner;

import static io.siyu.functions.sopplanner.SopWorld.CORP;
import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.core.contacts.Relationship;
import io.siyu.core.sop.Audience;
import io.siyu.core.sop.ChatType;
import io.siyu.core.sop.Content;
import io.siyu.core.sop.DailyClaims;
import io.siyu.core.sop.DayCounters;
import io.siyu.core.sop.DispatchStore.Dispatch;
import io.siyu.core.sop.Run;
import io.siyu.core.sop.RunCounters;
import io.siyu.core.sop.Schedule;
import io.siyu.core.sop.Sop;
import io.siyu.core.sop.SopKind;
import io.siyu.core.sop.SopStatus;
import io.siyu.core.sop.SopTime;
import io.siyu.core.sop.Step;
import io.siyu.testing.AwsEmulators;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.statistics.Statistics;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Random sets of broadcast and journey SOPs, with random priorities, whose steps fall on
 * overlapping days, planned by two planners and two chain workers running at once against the
 * same tables: no recipient is planned twice on one local day, and every recipient a run
 * selected is planned, skipped as DAILY_LIMIT_PLANNED, or deferred and then planned or skipped,
 * with the per-day figures telling the same story.
 */
@Tag("emulator")
class DailyLimitPropertyTest {

    /** zhangsan's customers c0..c5 (added 1 March), lisi's c3..c7 (added 2 March): c3..c5 are contacts of both. */
    private static final List<String> ZHANGSAN = List.of("c0", "c1", "c2", "c3", "c4", "c5");
    private static final List<String> LISI = List.of("c3", "c4", "c5", "c6", "c7");
    private static final LocalDate FIRST = LocalDate.parse("2026-03-02");
    private static final int DAYS = 8;
    private static final List<LocalTime> TIMES = List.of(LocalTime.parse("09:00"), LocalTime.parse("18:00"));

    /** One random SOP: a broadcast on day {@code day} after FIRST, or a journey step on day {@code day} after the add. */
    record Spec(boolean journey, int day, int time, int senders, int priority) {}

    @Property(tries = 6)
    void noRecipientIsPlannedTwiceOnOneDayAndEveryCollisionIsCounted(@ForAll("specs") List<Spec> specs) throws Exception {
        SopWorld world = new SopWorld(AwsEmulators.shared());
        world.maxDeferDays = 2;
        List<Relationship> rels = new ArrayList<>();
        for (int i = 0; i < ZHANGSAN.size(); i++) {
            rels.add(world.contacts.active(ZHANGSAN.get(i), "zhangsan", SopTime.instant(LocalDateTime.parse("2026-03-01T10:00").plusMinutes(i))));
        }
        for (int i = 0; i < LISI.size(); i++) {
            rels.add(world.contacts.active(LISI.get(i), "lisi", SopTime.instant(LocalDateTime.parse("2026-03-02T08:00").plusMinutes(i))));
        }
        world.contacts.putAll(rels);
        List<Sop> sops = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            sops.add(sop("p" + i, specs.get(i)));
            world.sops.create(sops.get(i));
        }

        // The minutes where something can fall due: step times, and journey times plus the settle delay. The cursor
        // is moved over the minutes between (nothing is due there) so that each try plans a week quickly.
        Set<Instant> minutes = new TreeSet<>();
        for (int d = 0; d < DAYS; d++) {
            for (LocalTime t : TIMES) {
                Instant at = SopTime.instant(FIRST.plusDays(d).atTime(t));
                minutes.add(at);
                minutes.add(at.plus(SopWorld.SETTLE));
            }
        }
        for (Instant minute : minutes) {
            world.planning.advance(CORP, world.planning.nextMinute(CORP), minute);
            world.clock.set(minute.plusSeconds(5));
            inParallel(() -> world.planner().tick(minute, Instant.MAX), () -> world.planner().tick(minute, Instant.MAX));
            workChainsInParallel(world);
        }

        // 1. No (recipient, local day) in two dispatches, nor twice in one.
        Map<String, String> dayOf = new HashMap<>();
        Map<String, Long> plannedPerRun = new HashMap<>();
        Map<LocalDate, Long> plannedPerDay = new HashMap<>();
        for (String key : new LinkedHashSet<>(world.queuedDispatches())) {
            Dispatch d = world.dispatch(key);
            LocalDate day = claimDay(key);
            for (String recipient : d.recipients()) {
                String previous = dayOf.put(recipient + "@" + day, key);
                assertThat(previous).as("%s on %s: planned by %s and %s", recipient, day, previous, key).isNull();
            }
            plannedPerRun.merge(d.head().run().key(), (long) d.recipients().size(), Long::sum);
            plannedPerDay.merge(day, (long) d.recipients().size(), Long::sum);
        }

        // 2. Each run: every selected recipient is planned, skipped for the daily limit or deferred (and resolved).
        RunCounters total = RunCounters.ZERO;
        for (Sop sop : sops) {
            for (Run run : world.sops.runs(CORP, sop.sopId(), "s1", 1000)) {
                RunCounters c = run.counters();
                assertThat(c.chainsDone()).as("%s: every chain done", run.id()).isEqualTo(c.chains());
                assertThat(c.deferredWaiting()).as("%s: every deferral planned on its day", run.id()).isZero();
                assertThat(c.planned()).as("%s: planned = its dispatches' recipients", run.id())
                        .isEqualTo(plannedPerRun.getOrDefault(run.id().key(), 0L));
                assertThat(c.planned() + c.skippedDailyLimitPlanned() + c.skippedLost() + c.skippedPending())
                        .as("%s: the audience, accounted for", run.id()).isEqualTo(audience(sop, run));
                total = total.plus(c);
            }
        }
        // 3. The per-day figures report the same planned sends, skips and deferrals.
        DayCounters days = DayCounters.ZERO;
        for (DailyClaims.Day day : world.claims.days(CORP, FIRST.minusDays(1), FIRST.plusDays(DAYS + 3))) {
            assertThat(day.counters().planned()).as("%s planned", day.day()).isEqualTo(plannedPerDay.getOrDefault(day.day(), 0L));
            days = days.plus(day.counters());
        }
        assertThat(days.planned()).isEqualTo(total.planned());
        assertThat(days.skipped()).isEqualTo(total.skippedDailyLimitPlanned());
        assertThat(days.deferredOut()).isEqualTo(total.deferred());
        assertThat(days.deferredIn()).isEqualTo(total.deferred());
        Statistics.label("collisions").collect(total.skippedDailyLimitPlanned() > 0 ? "skips" : "no skips",
                total.deferred() > 0 ? "deferrals" : "no deferrals");
    }

    /** The recipients a run selected: a broadcast's senders' customers; a journey's relationships whose step falls on its day. */
    private static long audience(Sop sop, Run run) {
        if (sop.kind() == SopKind.BROADCAST) {
            return sop.audience().senders().stream().mapToLong(s -> s.equals("zhangsan") ? ZHANGSAN.size() : LISI.size()).sum();
        }
        Schedule.DayAt dayAt = (Schedule.DayAt) sop.steps().get(0).schedule();
        LocalDate addedOn = LocalDate.parse(run.id().occurrence()).minusDays(dayAt.day());
        return (addedOn.equals(LocalDate.parse("2026-03-01")) ? ZHANGSAN.size() : 0)
                + (addedOn.equals(LocalDate.parse("2026-03-02")) ? LISI.size() : 0);
    }

    /** The local day a dispatch's recipients hold: its fire minute's (journey, deferred) or its run's (broadcast). */
    private static LocalDate claimDay(String dispatchKey) {
        String[] p = dispatchKey.split("#");
        String source = p[4];
        if (source.startsWith("J:") || source.startsWith("D:")) {
            return LocalDateTime.parse(source.substring(2)).toLocalDate();
        }
        return LocalDateTime.parse(p[3]).toLocalDate();
    }

    private static Sop sop(String id, Spec spec) {
        LocalTime time = TIMES.get(spec.time());
        Schedule schedule = spec.journey() ? new Schedule.DayAt(spec.day(), time) : new Schedule.At(FIRST.plusDays(spec.day()).atTime(time));
        List<String> senders = switch (spec.senders()) {
            case 0 -> List.of("zhangsan");
            case 1 -> List.of("lisi");
            default -> List.of("zhangsan", "lisi");
        };
        Audience audience = spec.journey() ? Audience.of(List.of()) : Audience.of(senders);
        return new Sop(CORP, id, id, spec.journey() ? SopKind.JOURNEY : SopKind.BROADCAST, SopStatus.ACTIVE, audience,
                List.of(new Step("s1", schedule, ChatType.SINGLE, new Content("hi " + id, List.of()))), 1, Instant.EPOCH, Instant.EPOCH,
                spec.priority());
    }

    @Provide
    Arbitrary<List<Spec>> specs() {
        Arbitrary<Spec> spec = Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 1), Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 9))
                .as((journey, day, time, senders, priority) -> new Spec(journey, journey ? day + 1 : day, time, senders, priority));
        return spec.list().ofMinSize(2).ofMaxSize(5);
    }

    /** Runs both at once (released together) and waits for both. */
    private static void inParallel(Callable<?> a, Callable<?> b) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> running = new ArrayList<>();
            for (Callable<?> c : List.of(a, b)) {
                running.add(pool.submit(() -> {
                    start.await();
                    return c.call();
                }));
            }
            start.countDown();
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /** Two workers take chain messages from the planning queue until it is empty (waiting chains come back at once). */
    private static void workChainsInParallel(SopWorld world) throws Exception {
        do {
            Callable<Integer> worker = () -> world.workChains(world.chains(3, 1, 4));
            inParallel(worker, worker);
        } while (messagesLeft(world) > 0);
    }

    private static long messagesLeft(SopWorld world) {
        Map<QueueAttributeName, String> a = world.aws.sqs().getQueueAttributes(b -> b.queueUrl(world.planningQueue)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }
}
