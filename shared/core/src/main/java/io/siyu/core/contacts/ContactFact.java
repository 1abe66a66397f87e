package io.siyu.core.contacts;

import io.siyu.core.events.ContactRemoved.RemovedBy;
import java.time.Instant;

/**
 * One contact event as the history keeps it: enough to rebuild every relationship of a customer
 * whatever order the events arrived in.
 *
 * @param state the 「联系我」 state of an add (null for removals and for adds without one)
 * @param removedBy who removed whom (removals only)
 */
public record ContactFact(String eventId, Instant at, Kind kind, String userId, String state, RemovedBy removedBy) {

    public enum Kind {
        /** add_external_contact */
        ADD,
        /** add_half_external_contact: the customer added a staff member who has not confirmed */
        HALF_ADD,
        /** del_external_contact or del_follow_user */
        REMOVE
    }

    public boolean isAdd() {
        return kind != Kind.REMOVE;
    }
}
