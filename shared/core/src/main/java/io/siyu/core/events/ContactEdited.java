package io.siyu.core.events;

import java.time.Instant;

/** A staff member edited a customer's remark, description or corp tags in the WeCom client. */
public record ContactEdited(String eventId, String corpId, Instant occurredAt, String userId, String externalUserId)
        implements DomainEvent {}
