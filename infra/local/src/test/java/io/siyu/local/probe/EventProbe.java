package io.siyu.local.probe;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/** Logs each event's source, detail-type and detail; a detail with "boom" fails the invocation. */
public final class EventProbe implements RequestHandler<Map<String, Object>, Void> {

    private final ProbeLog log = new ProbeLog("events.log");

    @Override
    public Void handleRequest(Map<String, Object> event, Context context) {
        log.write(event.get("source") + "|" + event.get("detail-type") + "|" + event.get("detail") + "|" + event.get("resources"));
        if (String.valueOf(event.get("detail")).contains("boom")) {
            throw new IllegalStateException("boom event");
        }
        return null;
    }
}
