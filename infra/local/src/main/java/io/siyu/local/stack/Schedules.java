package io.siyu.local.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The template's schedules: {@code ScheduleV2} events (EventBridge Scheduler, in their
 * {@code ScheduleExpressionTimezone}) and {@code Schedule} events (EventBridge rules, UTC). Each
 * fires its function asynchronously by its expression, or only when fired by hand
 * ({@code POST /_local/schedules/{id}/fire}) when the stack runs with {@code SIYU_SCHEDULES=manual}.
 */
public final class Schedules implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Schedules.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One schedule.
     *
     * @param id    {@code FunctionLogicalId.EventName}, what the control API fires
     * @param kind  ScheduleV2 or Schedule
     * @param input the template's Input (JSON text), or null for the default event
     */
    public record Schedule(String id, String name, String kind, ScheduleExpression expression, ZoneId zone, String input,
                           boolean enabled, AsyncTarget target) {}

    private final Map<String, Schedule> schedules = new LinkedHashMap<>();
    private final Map<String, ZonedDateTime> nextFire = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> timers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "schedules");
        t.setDaemon(true);
        return t;
    });
    private final Clock clock;
    private final String region;

    public Schedules(List<Schedule> schedules, Clock clock, String region) {
        schedules.forEach(s -> this.schedules.put(s.id(), s));
        this.clock = clock;
        this.region = region;
    }

    public List<Schedule> all() {
        return List.copyOf(schedules.values());
    }

    /** When the schedule fires next by its expression (empty when never, disabled, or manual). */
    public Optional<ZonedDateTime> nextFire(String id) {
        return Optional.ofNullable(nextFire.get(id));
    }

    /** Starts the timers: every enabled schedule fires by its expression from now on. */
    public void startTimers() {
        for (Schedule s : schedules.values()) {
            if (s.enabled()) {
                arm(s, ZonedDateTime.now(clock).withZoneSameInstant(s.zone()));
            }
        }
    }

    private void arm(Schedule s, ZonedDateTime after) {
        Optional<ZonedDateTime> next = s.expression().next(after);
        if (next.isEmpty()) {
            nextFire.remove(s.id());
            return;
        }
        ZonedDateTime at = next.get();
        nextFire.put(s.id(), at);
        long delay = Math.max(0, Duration.between(clock.instant(), at.toInstant()).toMillis());
        timers.put(s.id(), timer.schedule(() -> {
            fire(s, at.toInstant());
            arm(s, at);
        }, delay, TimeUnit.MILLISECONDS));
    }

    /** Fires one schedule now (asynchronously, as the scheduler invokes). Unknown ids are refused. */
    public void fire(String id) {
        Schedule s = schedules.get(id);
        if (s == null) {
            throw new IllegalArgumentException("no schedule " + id + "; the template has " + schedules.keySet());
        }
        fire(s, clock.instant());
    }

    private void fire(Schedule s, Instant scheduledTime) {
        LOG.info("schedule {} ({}) fires {}", s.id(), s.expression().text(), s.target().name());
        s.target().invokeAsync(payload(s, scheduledTime), "schedule " + s.id());
    }

    /**
     * What the function receives: the template's Input, else the default event of the scheduler
     * (EventBridge Scheduler: source aws.scheduler with a detail of "{}"; EventBridge rules: source
     * aws.events with an empty detail object).
     */
    String payload(Schedule s, Instant scheduledTime) {
        boolean scheduler = s.kind().equals("ScheduleV2");
        if (s.input() != null) {
            // EventBridge Scheduler replaces its context attributes in the Input (EventBridge rules have none).
            return !scheduler ? s.input() : s.input()
                    .replace("<aws.scheduler.schedule-arn>", scheduleArn(s))
                    .replace("<aws.scheduler.scheduled-time>", scheduledTime.truncatedTo(ChronoUnit.SECONDS).toString())
                    .replace("<aws.scheduler.execution-id>", UUID.randomUUID().toString().replace("-", "").substring(0, 16))
                    .replace("<aws.scheduler.attempt-number>", "1");
        }
        ObjectNode e = JSON.createObjectNode();
        e.put("version", "0");
        e.put("id", UUID.randomUUID().toString());
        e.put("detail-type", "Scheduled Event");
        e.put("source", scheduler ? "aws.scheduler" : "aws.events");
        e.put("account", "000000000000");
        e.put("time", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        e.put("region", region);
        e.putArray("resources").add(scheduler ? scheduleArn(s) : "arn:aws:events:" + region + ":000000000000:rule/" + s.name());
        if (scheduler) {
            e.put("detail", "{}");
        } else {
            e.putObject("detail");
        }
        return e.toString();
    }

    private String scheduleArn(Schedule s) {
        return "arn:aws:scheduler:" + region + ":000000000000:schedule/default/" + s.name();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
