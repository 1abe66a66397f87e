package io.siyu.core.events;

import java.time.Instant;

/**
 * A customer relationship ended. {@code removedBy}: CUSTOMER when the customer deleted the staff
 * member ({@code del_follow_user}), STAFF when the staff member deleted the customer
 * ({@code del_external_contact}; {@code removalSource} DELETE_BY_TRANSFER when a handover removed it).
 */
public record ContactRemoved(String eventId, String corpId, Instant occurredAt, String userId, String externalUserId,
                             RemovedBy removedBy, String removalSource) implements DomainEvent {

    public enum RemovedBy { CUSTOMER, STAFF }
}
