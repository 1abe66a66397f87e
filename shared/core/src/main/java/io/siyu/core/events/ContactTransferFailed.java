package io.siyu.core.events;

import java.time.Instant;

/** A customer handover (客户接替) failed: {@code reason} is customer_refused or customer_limit_exceed. */
public record ContactTransferFailed(String eventId, String corpId, Instant occurredAt, String userId,
                                    String externalUserId, String reason) implements DomainEvent {}
