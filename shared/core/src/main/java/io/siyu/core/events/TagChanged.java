package io.siyu.core.events;

import java.time.Instant;

/** A corp tag or tag group was created, updated, deleted or reordered in the admin console. */
public record TagChanged(String eventId, String corpId, Instant occurredAt, String changeType, String id,
                         String tagType, String strategyId) implements DomainEvent {}
