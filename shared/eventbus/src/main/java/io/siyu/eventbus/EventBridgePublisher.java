package io.siyu.eventbus;

import io.siyu.core.events.DomainEvent;
import io.siyu.core.ports.EventPublisher;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Publishes to the Siyu bus with PutEvents, ten entries a call (EventBridge's limit). A call that
 * reports {@code FailedEntryCount > 0} is a failure, not a success: the caller retries.
 */
public final class EventBridgePublisher implements EventPublisher {

    private static final int MAX_ENTRIES = 10;

    private final EventBridgeClient client;
    private final String busName;

    public EventBridgePublisher(EventBridgeClient client, String busName) {
        this.client = client;
        this.busName = busName;
    }

    @Override
    public void publish(List<? extends DomainEvent> events) {
        for (int from = 0; from < events.size(); from += MAX_ENTRIES) {
            List<? extends DomainEvent> batch = events.subList(from, Math.min(events.size(), from + MAX_ENTRIES));
            List<PutEventsRequestEntry> entries = new ArrayList<>(batch.size());
            for (DomainEvent e : batch) {
                entries.add(PutEventsRequestEntry.builder()
                        .eventBusName(busName)
                        .source(e.eventSource())
                        .detailType(e.detailType())
                        .detail(DomainEventJson.detail(e))
                        .time(e.occurredAt())
                        .build());
            }
            PutEventsResponse response;
            try {
                response = client.putEvents(b -> b.entries(entries));
            } catch (SdkException e) {
                throw new PublishFailed("PutEvents to " + busName + " failed", e);
            }
            Integer failed = response.failedEntryCount();
            if (failed != null && failed > 0) {
                List<String> codes = response.entries().stream().map(PutEventsResultEntry::errorCode)
                        .filter(c -> c != null).distinct().toList();
                throw new PublishFailed(failed + " of " + entries.size() + " entries were not accepted by "
                        + busName + ": " + codes, null);
            }
        }
    }
}
