package io.siyu.local.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Schedules fire their function by their expression, in their time zone, with the scheduler's payload. */
class SchedulesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Records what it is sent. */
    static final class Recorder implements AsyncTarget {
        final List<String> received = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "Recorder";
        }

        @Override
        public void invokeAsync(String eventJson, String from) {
            received.add(eventJson);
        }

        String awaitOne() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (received.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(received).hasSize(1);
            return received.get(0);
        }
    }

    static Schedules.Schedule schedule(String id, String expression, ZoneId zone, String input, boolean enabled, AsyncTarget target,
                                       String kind) {
        return new Schedules.Schedule(id, id.replace(".", ""), kind, ScheduleExpression.parse(expression), zone, input, enabled, target);
    }

    @Test
    void aCronScheduleFiresWhenItsLocalTimeComes() throws Exception {
        // 02:59:59.7 in Shanghai: 03:00 local is 300 ms away.
        Clock clock = Clock.fixed(Instant.parse("2026-11-23T18:59:59.700Z"), ZoneOffset.UTC);
        Recorder target = new Recorder();
        try (Schedules schedules = new Schedules(List.of(schedule("Planner.Daily", "cron(0 3 * * ? *)", ZoneId.of("Asia/Shanghai"),
                null, true, target, "ScheduleV2")), clock, "us-east-1")) {
            schedules.startTimers();

            JsonNode event = JSON.readTree(target.awaitOne());

            assertThat(event.path("source").asText()).isEqualTo("aws.scheduler");
            assertThat(event.path("detail-type").asText()).isEqualTo("Scheduled Event");
            assertThat(event.path("detail").asText()).isEqualTo("{}");
            assertThat(event.path("resources").get(0).asText())
                    .isEqualTo("arn:aws:scheduler:us-east-1:000000000000:schedule/default/PlannerDaily");
            // Re-armed for the next day, at 03:00 Shanghai time.
            assertThat(schedules.nextFire("Planner.Daily")).hasValueSatisfying(n ->
                    assertThat(n.toInstant()).isEqualTo(Instant.parse("2026-11-24T19:00:00Z")));
        }
    }

    static final String CONTEXT_INPUT = "{\"scheduledTime\":\"<aws.scheduler.scheduled-time>\",\"executionId\":"
            + "\"<aws.scheduler.execution-id>\",\"arn\":\"<aws.scheduler.schedule-arn>\",\"attempt\":\"<aws.scheduler.attempt-number>\"}";

    @Test
    void theSchedulersContextAttributesInTheInputAreReplacedWithTheScheduledTimeOfTheFire() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-11-23T18:59:59.700Z"), ZoneOffset.UTC);
        Recorder target = new Recorder();
        try (Schedules schedules = new Schedules(List.of(schedule("Planner.Tick", "cron(0 3 * * ? *)", ZoneId.of("Asia/Shanghai"),
                CONTEXT_INPUT, true, target, "ScheduleV2")), clock, "us-east-1")) {
            schedules.startTimers();

            JsonNode timed = JSON.readTree(target.awaitOne());
            target.received.clear();
            schedules.fire("Planner.Tick");
            JsonNode byHand = JSON.readTree(target.awaitOne());

            // By its expression: the time it was due (not when the timer ran); by hand: now, to the second.
            assertThat(timed.path("scheduledTime").asText()).isEqualTo("2026-11-23T19:00:00Z");
            assertThat(byHand.path("scheduledTime").asText()).isEqualTo("2026-11-23T18:59:59Z");
            assertThat(timed.path("executionId").asText()).matches("[0-9a-f]{16}").isNotEqualTo(byHand.path("executionId").asText());
            assertThat(timed.path("arn").asText()).isEqualTo("arn:aws:scheduler:us-east-1:000000000000:schedule/default/PlannerTick");
            assertThat(timed.path("attempt").asText()).isEqualTo("1");
        }
    }

    @Test
    void anEventBridgeRuleScheduleLeavesItsInputAsWritten() {
        Recorder target = new Recorder();
        try (Schedules schedules = new Schedules(List.of(schedule("Rule.Input", "rate(1 day)", ZoneOffset.UTC, CONTEXT_INPUT, true,
                target, "Schedule")), Clock.systemUTC(), "us-east-1")) {
            schedules.fire("Rule.Input");

            assertThat(target.received).containsExactly(CONTEXT_INPUT);
        }
    }

    @Test
    void aDisabledScheduleIsNeverArmedButCanBeFiredByHand() {
        Recorder target = new Recorder();
        try (Schedules schedules = new Schedules(List.of(schedule("Fn.Off", "rate(1 minute)", ZoneOffset.UTC, "{\"a\":1}", false,
                target, "ScheduleV2")), Clock.systemUTC(), "us-east-1")) {
            schedules.startTimers();
            assertThat(schedules.nextFire("Fn.Off")).isEmpty();

            schedules.fire("Fn.Off");

            assertThat(target.received).containsExactly("{\"a\":1}");
        }
    }

    @Test
    void anEventBridgeRuleScheduleSendsTheScheduledEventOfEventBridge() throws Exception {
        Recorder target = new Recorder();
        try (Schedules schedules = new Schedules(List.of(schedule("Rfm.Nightly", "rate(1 day)", ZoneOffset.UTC, null, true, target,
                "Schedule")), Clock.systemUTC(), "us-east-1")) {
            schedules.fire("Rfm.Nightly");

            JsonNode event = JSON.readTree(target.awaitOne());
            assertThat(event.path("source").asText()).isEqualTo("aws.events");
            assertThat(event.path("detail").isObject()).isTrue();
            assertThat(event.path("resources").get(0).asText()).isEqualTo("arn:aws:events:us-east-1:000000000000:rule/RfmNightly");
        }
    }

    @Test
    void firingAnUnknownScheduleIsRefused() {
        try (Schedules schedules = new Schedules(List.of(), Clock.systemUTC(), "us-east-1")) {
            assertThatThrownBy(() -> schedules.fire("Nope.Never")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Nope.Never");
        }
    }
}
