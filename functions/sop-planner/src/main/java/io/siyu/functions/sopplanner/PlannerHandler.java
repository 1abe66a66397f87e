package io.siyu.functions.sopplanner;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.siyu.lambda.Observability;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SOP planner's minute tick (EventBridge Scheduler, {@code rate(1 minute)}). The schedule's
 * input carries {@code scheduledTime} ({@code <aws.scheduler.scheduled-time>}), so a retried
 * invocation plans the same minutes as the first.
 */
public final class PlannerHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    /** Stop planning minutes this long before the function's timeout; the next tick continues. */
    static final long SAFETY_MILLIS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(PlannerHandler.class);

    private final PlannerService service;
    private final Clock clock;

    public PlannerHandler() {
        this(PlannerConfig.forTick().plannerService(), Clock.systemUTC());
    }

    PlannerHandler(PlannerService service, Clock clock) {
        this.service = service;
        this.clock = clock;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return Observability.handle(context, () -> {
            Instant deadline = clock.instant().plusMillis(context.getRemainingTimeInMillis() - SAFETY_MILLIS);
            PlannerService.Tick tick = service.tick(scheduledTime(event), deadline);
            LOG.info("sop planner tick: minutes={} from={} to={} runs={} chainsStarted={}", tick.minutes(), tick.from(), tick.to(),
                    tick.runs(), tick.chainsStarted());
            Observability.count("SopMinutesPlanned", tick.minutes());
            Observability.count("SopChainsStarted", tick.chainsStarted());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("plannedFrom", tick.from().toString());
            out.put("plannedTo", tick.to().toString());
            out.put("runs", tick.runs());
            out.put("chainsStarted", tick.chainsStarted());
            return out;
        });
    }

    private static Instant scheduledTime(Map<String, Object> event) {
        Object value = event == null ? null : event.get("scheduledTime");
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value.toString());
        } catch (DateTimeParseException e) {
            LOG.warn("scheduledTime is not an ISO instant ({}); planning up to now", value);
            return null;
        }
    }
}
