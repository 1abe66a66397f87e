package io.siyu.core.events;

import java.time.Instant;

/** A customer group's owner, name or notice changed ({@code updateDetail}: change_owner, change_name, change_notice). */
public record GroupUpdated(String eventId, String corpId, Instant occurredAt, String chatId, String updateDetail)
        implements DomainEvent {}
