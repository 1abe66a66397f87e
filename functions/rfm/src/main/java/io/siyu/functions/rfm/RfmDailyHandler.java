package io.siyu.functions.rfm;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.siyu.core.rfm.RfmRules;
import io.siyu.lambda.Observability;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily schedule (EventBridge Scheduler, input {@code {"scheduledTime": "<aws.scheduler.scheduled-time>"}}):
 * the unionid join, then recency decay for the customers crossing a boundary that day. The day
 * scored is the scheduled time's local day, so a retry or a late start scores the same day.
 */
public final class RfmDailyHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    /** Stop starting new customers this long before the function's timeout; the rest wait for the next run. */
    static final long SAFETY_MILLIS = 60_000;

    private static final Logger LOG = LoggerFactory.getLogger(RfmDailyHandler.class);

    private final RfmService service;
    private final Clock clock;
    private final int catchUpDays;

    public RfmDailyHandler() {
        this(RfmConfig.forDaily());
    }

    private RfmDailyHandler(RfmConfig config) {
        this(config.service(), Clock.systemUTC(), config.catchUpDays());
    }

    RfmDailyHandler(RfmService service, Clock clock, int catchUpDays) {
        this.service = service;
        this.clock = clock;
        this.catchUpDays = catchUpDays;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        return Observability.handle(context, () -> {
            LocalDate day = RfmRules.localDay(scheduledTime(input));
            RfmService.Counts counts = service.daily(day, catchUpDays,
                    () -> context == null || context.getRemainingTimeInMillis() > SAFETY_MILLIS);
            Observability.count("RfmRescored", counts.rescored);
            Observability.count("RfmTransitions", counts.transitions);
            Observability.count("RfmTagCalls", counts.tagCalls);
            Observability.count("RfmOrdersMoved", counts.ordersMoved);
            LOG.info("rfm daily run for {}: {}", day, counts);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("day", day.toString());
            out.put("rescored", counts.rescored);
            out.put("transitions", counts.transitions);
            out.put("tagCalls", counts.tagCalls);
            out.put("ordersMoved", counts.ordersMoved);
            return out;
        });
    }

    private Instant scheduledTime(Map<String, Object> input) {
        Object t = input == null ? null : input.get("scheduledTime");
        if (t instanceof String s && !s.isBlank()) {
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                LOG.warn("rfm daily input has an unreadable scheduledTime ({}); scoring today", s);
            }
        }
        return clock.instant();
    }
}
