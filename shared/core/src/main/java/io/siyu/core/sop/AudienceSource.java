package io.siyu.core.sop;

import io.siyu.core.contacts.RelationshipStatus;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/**
 * Pages through the relationships an SOP may reach, by the two indexes of the Contacts table
 * (docs/tables.md): a staff member's customers (ByStaff, for broadcasts) and the relationships
 * added on a local day in time order (ByAddedDay, for journeys). Never a scan.
 */
public interface AudienceSource {

    /**
     * One relationship as the indexes project it. {@code position} resumes a listing right after
     * this member (an opaque token), so a planner can stop anywhere in a page.
     */
    record Member(String externalUserId, String userId, RelationshipStatus status, String channelId, Set<String> tagIds,
                  Instant addedAt, String position) {
        public Member {
            tagIds = tagIds == null ? Set.of() : Set.copyOf(tagIds);
        }
    }

    /** Up to {@code limit} members; {@code next} is null when the listing is exhausted. */
    record Page(List<Member> members, String next) {
        public Page {
            members = List.copyOf(members);
        }
    }

    /** The customers of staff member {@code userId}, after {@code after} (null: from the start). */
    Page staffCustomers(String corpId, String userId, String after, int limit);

    /**
     * Relationships added on local day {@code day} with {@code from <= addedAt < to}, oldest first,
     * after {@code after} (null: from the start).
     */
    Page addedBetween(String corpId, LocalDate day, Instant from, Instant to, String after, int limit);

    /** Whether {@link #addedBetween} would list anyone (one small read). */
    boolean anyAddedBetween(String corpId, LocalDate day, Instant from, Instant to);
}
