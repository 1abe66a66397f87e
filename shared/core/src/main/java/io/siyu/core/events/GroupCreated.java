package io.siyu.core.events;

import java.time.Instant;

/** A customer group was created. */
public record GroupCreated(String eventId, String corpId, Instant occurredAt, String chatId) implements DomainEvent {}
