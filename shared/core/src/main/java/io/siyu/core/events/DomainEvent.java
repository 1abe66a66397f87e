package io.siyu.core.events;

import java.time.Instant;

/**
 * An event on the Siyu bus (contract: docs/events.md). Its detail-type is the record's simple
 * name; {@link #eventId()} is stable across redeliveries, so consumers dedupe on it.
 */
public sealed interface DomainEvent permits ContactAdded, ContactRemoved, ContactEdited, ContactTransferFailed,
        GroupCreated, GroupUpdated, GroupMemberJoined, GroupMemberLeft, GroupDismissed, TagChanged, Unhandled,
        RfmSegmentChanged, ReferralTaskCompleted {

    String eventId();

    String corpId();

    Instant occurredAt();

    /** The EventBridge {@code source} this event is published under. */
    default String eventSource() {
        return "siyu.wecom";
    }

    default String detailType() {
        return getClass().getSimpleName();
    }
}
