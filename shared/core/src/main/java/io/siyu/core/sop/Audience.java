package io.siyu.core.sop;

import io.siyu.core.sop.AudienceSource.Member;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/**
 * Who an SOP reaches. Every filter that is set must match (an empty set means "no filter"):
 * <ul>
 *   <li>{@code senders}: the staff members who send. Broadcasts read each sender's customers
 *       (WeCom sends on a sender's behalf, so a broadcast needs them); journeys, when set, keep
 *       only customers of these senders;</li>
 *   <li>{@code tagsAny}, {@code tagsAll}, {@code tagsNone}: corp tag ids on the sender's side of
 *       the relationship: at least one of, all of, none of;</li>
 *   <li>{@code channelIds}: the relationship came through one of these channels;</li>
 *   <li>{@code addedFrom}, {@code addedTo}: the relationship was added on these local days (inclusive);</li>
 *   <li>{@code rfmSegments}, {@code lifecycleStages}: the customer's RFM segment and lifecycle
 *       stage, through {@link CustomerSegments};</li>
 *   <li>{@code groupChats}: the groups of {@code chat_type: group} steps, per sender.</li>
 * </ul>
 */
public record Audience(List<String> senders, Set<String> tagsAny, Set<String> tagsAll, Set<String> tagsNone,
                       Set<String> channelIds, LocalDate addedFrom, LocalDate addedTo, Set<String> rfmSegments,
                       Set<String> lifecycleStages, List<GroupTarget> groupChats) {

    public Audience {
        senders = senders == null ? List.of() : List.copyOf(senders);
        tagsAny = copy(tagsAny);
        tagsAll = copy(tagsAll);
        tagsNone = copy(tagsNone);
        channelIds = copy(channelIds);
        rfmSegments = copy(rfmSegments);
        lifecycleStages = copy(lifecycleStages);
        groupChats = groupChats == null ? List.of() : List.copyOf(groupChats);
    }

    /** Everyone (of the senders, for a broadcast). */
    public static Audience of(List<String> senders) {
        return new Audience(senders, null, null, null, null, null, null, null, null, null);
    }

    public boolean needsSegments() {
        return !rfmSegments.isEmpty() || !lifecycleStages.isEmpty();
    }

    /**
     * Whether a relationship matches every filter that does not need {@link CustomerSegments}.
     * Its status plays no part: LOST and PENDING members are in the audience and are skipped
     * (and counted) when sending.
     */
    public boolean matches(Member m) {
        if (!senders.isEmpty() && !senders.contains(m.userId())) {
            return false;
        }
        Set<String> tags = m.tagIds();
        if (!tagsAny.isEmpty() && tagsAny.stream().noneMatch(tags::contains)) {
            return false;
        }
        if (!tags.containsAll(tagsAll)) {
            return false;
        }
        if (tagsNone.stream().anyMatch(tags::contains)) {
            return false;
        }
        if (!channelIds.isEmpty() && (m.channelId() == null || !channelIds.contains(m.channelId()))) {
            return false;
        }
        if (addedFrom != null || addedTo != null) {
            if (m.addedAt() == null) {
                return false;
            }
            LocalDate day = SopTime.localDate(m.addedAt());
            return (addedFrom == null || !day.isBefore(addedFrom)) && (addedTo == null || !day.isAfter(addedTo));
        }
        return true;
    }

    /** The RFM part of the filter, for a customer whose segment is {@code segment} (null: unknown). */
    public boolean matchesSegment(CustomerSegments.Segment segment) {
        if (!needsSegments()) {
            return true;
        }
        if (segment == null) {
            return false;
        }
        return (rfmSegments.isEmpty() || rfmSegments.contains(segment.rfmSegment()))
                && (lifecycleStages.isEmpty() || lifecycleStages.contains(segment.lifecycleStage()));
    }

    private static Set<String> copy(Set<String> s) {
        return s == null ? Set.of() : Set.copyOf(s);
    }
}
