package io.siyu.core.events;

import java.time.Instant;

/**
 * A staff member and a customer became contacts ({@code add_external_contact}), or the customer
 * added a staff member who has not confirmed yet ({@code add_half_external_contact}:
 * {@code pendingConfirmation}). {@code state} is the 「联系我」 state (channel or campaign code);
 * {@code welcomeCode} is usable once, within 20 seconds of the event.
 */
public record ContactAdded(String eventId, String corpId, Instant occurredAt, String userId, String externalUserId,
                           String state, String welcomeCode, boolean pendingConfirmation) implements DomainEvent {}
