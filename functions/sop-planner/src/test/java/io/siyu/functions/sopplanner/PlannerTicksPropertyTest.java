package io.siyu.functions.sopplanner;

import static io.siyu.functions.sopplanner.SopWorld.CORP;
import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.core.sop.Audience;
import io.siyu.core.sop.ChatType;
import io.siyu.core.sop.Content;
import io.siyu.core.sop.Cron;
import io.siyu.core.sop.Run;
import io.siyu.core.sop.RunId;
import io.siyu.core.sop.Schedule;
import io.siyu.core.sop.Sop;
import io.siyu.core.sop.SopKind;
import io.siyu.core.sop.SopStatus;
import io.siyu.core.sop.SopTime;
import io.siyu.core.sop.Step;
import io.siyu.testing.AwsEmulators;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;

/**
 * Whatever the ticks do (run late, run twice, run at once, skip minutes, arrive with an old
 * scheduled time), every step occurrence that falls due is planned exactly once and nothing
 * else is planned. Every occurrence reaches the same two customers on the same local day, so
 * (one mass message a day) the first occurrence planned sends to them and the others skip them
 * as DAILY_LIMIT_PLANNED.
 */
@Tag("emulator")
class PlannerTicksPropertyTest {

    private static final LocalDateTime BASE = LocalDateTime.parse("2026-03-06T17:50");
    private static final int LAST = 45;
    private static final List<Integer> AT = List.of(5, 17, 33);

    @Property(tries = 10)
    void everyDueOccurrenceIsPlannedExactlyOnce(@ForAll("rounds") List<List<Integer>> rounds) throws Exception {
        SopWorld world = new SopWorld(AwsEmulators.shared());
        world.contacts.put(world.contacts.active("wm1", "zhangsan", Instant.parse("2026-02-01T00:00:00Z")),
                world.contacts.active("wm2", "zhangsan", Instant.parse("2026-02-01T00:00:00Z")));
        List<Step> steps = new ArrayList<>();
        for (int m : AT) {
            steps.add(new Step("at" + m, new Schedule.At(BASE.plusMinutes(m)), ChatType.SINGLE, new Content("hi", List.of())));
        }
        steps.add(new Step("every10", new Schedule.Recurring(Cron.parse("*/10 * * * *")), ChatType.SINGLE, new Content("hi", List.of())));
        world.sops.create(new Sop(CORP, "p1", "property", SopKind.BROADCAST, SopStatus.ACTIVE, Audience.of(List.of("zhangsan")), steps, 1,
                Instant.EPOCH, Instant.EPOCH));

        tickAll(world, List.of(0));
        for (List<Integer> round : rounds) {
            tickAll(world, round);
        }
        tickAll(world, List.of(LAST));
        world.workChains(world.chains(1000, 0, 10_000));

        Set<String> expected = new TreeSet<>();
        for (int m = 0; m <= LAST; m++) {
            LocalDateTime t = BASE.plusMinutes(m);
            if (AT.contains(m)) {
                expected.add("at" + m + "#" + t);
            }
            if (t.getMinute() % 10 == 0) {
                expected.add("every10#" + t);
            }
        }
        Set<String> planned = new TreeSet<>();
        long sends = 0;
        for (Step step : steps) {
            for (Run run : world.sops.runs(CORP, "p1", step.stepId(), 1000)) {
                planned.add(step.stepId() + "#" + run.id().occurrence());
                assertThat(run.counters().chains()).as("%s: one chain, created once", run.id()).isEqualTo(1);
                assertThat(run.counters().planned() + run.counters().skippedDailyLimitPlanned())
                        .as("%s: both customers, once each: planned or skipped for the daily limit", run.id()).isEqualTo(2);
                assertThat(run.counters().dispatches()).isEqualTo(run.counters().planned() > 0 ? 1 : 0);
                sends += run.counters().planned();
            }
        }
        assertThat(planned).isEqualTo(expected);
        assertThat(sends).as("one mass message per customer on the day").isEqualTo(2);
        List<String> queued = world.queuedDispatches();
        List<String> recipients = new HashSet<>(queued).stream().flatMap(k -> world.dispatch(k).recipients().stream()).toList();
        assertThat(recipients).containsExactlyInAnyOrder("wm1", "wm2");
        assertThat(world.planning.nextMinute(CORP)).contains(SopTime.instant(BASE.plusMinutes(LAST + 1)));
    }

    /** Ticks at these minutes after BASE, all at once. */
    private static void tickAll(SopWorld world, List<Integer> minutes) throws Exception {
        int latest = minutes.stream().mapToInt(Integer::intValue).max().orElse(0);
        world.clock.set(SopTime.instant(BASE.plusMinutes(latest)).plusSeconds(5));
        ExecutorService pool = Executors.newFixedThreadPool(minutes.size());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        for (int m : minutes) {
            PlannerService planner = world.planner();
            Instant scheduled = SopTime.instant(BASE.plusMinutes(m));
            running.add(pool.submit(() -> {
                start.await();
                return planner.tick(scheduled, Instant.MAX);
            }));
        }
        start.countDown();
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();
    }

    @Provide
    Arbitrary<List<List<Integer>>> rounds() {
        return Arbitraries.integers().between(0, LAST).list().ofMinSize(1).ofMaxSize(3).list().ofMaxSize(6);
    }
}
