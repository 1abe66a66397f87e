package io.siyu.core.ports;

import io.siyu.core.events.DomainEvent;
import java.util.List;

/** Publishes domain events to the bus; throws {@link PublishFailed} unless every event was accepted. */
public interface EventPublisher {

    void publish(List<? extends DomainEvent> events);

    default void publish(DomainEvent event) {
        publish(List.of(event));
    }

    /** Some or all events were not accepted; the caller must retry (nothing is dropped silently). */
    final class PublishFailed extends RuntimeException {
        public PublishFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
