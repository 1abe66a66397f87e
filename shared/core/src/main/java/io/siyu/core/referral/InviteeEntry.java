package io.siyu.core.referral;

import java.time.Instant;
import java.util.Comparator;

/**
 * One event of an invitee's relationship with a campaign, as recorded in the invitee's log.
 *
 * @param kind ENTER: added a campaign staff member or joined a campaign group; EXIT: the opposite
 * @param subject the staff user id (FRIEND) or chat id (GROUP) the event is about
 * @param inviter the inviter whose code of <em>this</em> campaign the ENTER came through, or null
 * @param preexisting the invitee was already a customer when this ENTER happened (some relationship
 *                    with any staff member was first added strictly before {@code at})
 */
public record InviteeEntry(Instant at, String eventId, Kind kind, String subject, String inviter, boolean preexisting) {

    public enum Kind { ENTER, EXIT }

    /**
     * Event-time order. WeCom stamps events in whole seconds and several can share one, so ties
     * are broken by event id: arbitrary, but the same on every delivery and in every replay.
     */
    public static final Comparator<InviteeEntry> EVENT_TIME_ORDER = Comparator.comparing(InviteeEntry::at)
            .thenComparing(InviteeEntry::eventId)
            .thenComparing(InviteeEntry::kind)
            .thenComparing(InviteeEntry::subject);

    /** Two deliveries of the same event for the same invitee are the same entry. */
    public boolean sameEvent(InviteeEntry other) {
        return eventId.equals(other.eventId) && kind == other.kind && subject.equals(other.subject);
    }
}
