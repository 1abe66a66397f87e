package io.siyu.core.events;

import java.time.Instant;
import java.util.Map;

/** A callback Siyu has no model for (a new event type, an app message): passed on with all its fields. */
public record Unhandled(String eventId, String corpId, Instant occurredAt, String msgType, String event,
                        String changeType, Map<String, String> fields) implements DomainEvent {}
