package io.siyu.functions.attribution;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.siyu.core.events.DomainEvent;
import io.siyu.eventbus.DomainEventJson;
import io.siyu.lambda.Observability;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * EventBridge rule target for ContactAdded, ContactRemoved and ContactEdited. A failure is
 * thrown: Lambda retries the asynchronous invocation, then sends the event to the on-failure queue.
 */
public final class AttributionHandler implements RequestStreamHandler {

    private final AttributionService service;

    public AttributionHandler() {
        this(AttributionConfig.fromEnvironment().service());
    }

    AttributionHandler(AttributionService service) {
        this.service = service;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) {
        Observability.handle(context, () -> {
            DomainEvent event = DomainEventJson.fromEventBridgeEvent(input);
            Observability.correlationId(event.eventId());
            service.handle(event);
            return null;
        });
    }
}
