package io.siyu.functions.sopsender;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.siyu.lambda.Observability;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SOP delivery sync (EventBridge Scheduler): reads what became of the WeCom tasks that are
 * due for a check. Every run reads the current state at WeCom, so a retried or overlapping run
 * only repeats reads; the event's content does not matter.
 */
public final class DeliverySyncHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    /** Stop taking tasks this long before the function's timeout; the next run continues. */
    static final long SAFETY_MILLIS = 15_000;
    private static final Logger LOG = LoggerFactory.getLogger(DeliverySyncHandler.class);

    private final DeliverySyncService service;
    private final Clock clock;

    public DeliverySyncHandler() {
        this(DeliverySyncConfig.fromEnvironment().service(), Clock.systemUTC());
    }

    DeliverySyncHandler(DeliverySyncService service, Clock clock) {
        this.service = service;
        this.clock = clock;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return Observability.handle(context, () -> {
            Instant deadline = clock.instant().plusMillis(context.getRemainingTimeInMillis() - SAFETY_MILLIS);
            DeliverySyncService.Sweep sweep = service.sweep(deadline);
            LOG.info("sop delivery sync: synced={} closed={} readLater={} errors={} stoppedAtDeadline={}", sweep.synced(), sweep.closed(),
                    sweep.readLater(), sweep.errors(), sweep.stoppedAtDeadline());
            Observability.count("SopDeliveryTasksSynced", sweep.synced());
            Observability.count("SopDeliveryTasksClosed", sweep.closed());
            Observability.count("SopDeliverySyncErrors", sweep.errors());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("synced", sweep.synced());
            out.put("closed", sweep.closed());
            out.put("readLater", sweep.readLater());
            out.put("errors", sweep.errors());
            return out;
        });
    }
}
