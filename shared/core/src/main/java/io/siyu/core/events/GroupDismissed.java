package io.siyu.core.events;

import java.time.Instant;

/** The owner dismissed a customer group. */
public record GroupDismissed(String eventId, String corpId, Instant occurredAt, String chatId) implements DomainEvent {}
