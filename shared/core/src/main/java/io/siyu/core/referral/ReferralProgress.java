package io.siyu.core.referral;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Storage of a campaign's progress: invitee logs, inviter counters, completions, and the sweep's
 * worklist (inviters to evaluate, completions to publish). Written by the referral functions,
 * read by the admin reports.
 */
public interface ReferralProgress {

    /** The invitee as stored (strongly consistent), or an empty record at version 0. */
    InviteeRecord invitee(String corpId, String campaignId, String invitee);

    /**
     * Writes {@code update.next()} if the invitee is still at {@code update.previous().version()}
     * and moves each inviter's counters by its delta, all or nothing; every changed inviter is put
     * on the sweep's worklist at {@code now}.
     *
     * @throws Conflict when the invitee changed meanwhile or the write collided with another: read again and retry
     */
    void commit(String corpId, String campaignId, InviteeUpdate update, Instant now);

    Optional<InviterRecord> inviter(String corpId, String campaignId, String inviter);

    List<InviterRecord> inviters(String corpId, String campaignId);

    /** The counting intervals of every invitee credited to {@code inviter}: its timeline. */
    List<Interval> creditedIntervals(String corpId, String campaignId, String inviter);

    List<Completion> completions(String corpId, String campaignId);

    List<Completion> completions(String corpId, String campaignId, String inviter);

    /** Records a completion unless one exists for its (campaign, inviter, tier); it stays on the worklist until published. */
    boolean recordCompletion(Completion completion);

    void markPublished(Completion completion, Instant publishedAt);

    /**
     * Stores an evaluation of the inviter's timeline, unless its counters changed since the
     * evaluation read them ({@code changesSeen}): then a newer evaluation is due anyway.
     *
     * @param nextDue when to evaluate again (a hold ends), or null to leave the worklist
     */
    boolean saveEvaluation(String corpId, String campaignId, String inviter, long changesSeen, InviterEvaluation evaluation,
                           Instant evaluatedAt, Instant nextDue);

    /**
     * Worklist entries due at {@code now}, oldest first, a page at a time: pass the page's
     * {@code next} to read on ({@code null} for the first page; a page with a null {@code next} is the last).
     */
    DuePage due(String corpId, Instant now, int limit, String after);

    /** One page of the worklist; {@code next} is opaque. */
    record DuePage(List<Due> items, String next) {}

    /** Something the sweep must do. */
    sealed interface Due {
        String campaignId();

        String inviterExternalUserId();

        /** Evaluate the inviter's timeline: peak, holds, completions. */
        record Evaluate(String campaignId, String inviterExternalUserId) implements Due {}

        /** Publish a recorded completion that has not reached the bus yet. */
        record Publish(String campaignId, String inviterExternalUserId, int tier) implements Due {}
    }

    /** The write lost a race: someone else changed the invitee, or a concurrent write held an item it needed. */
    final class Conflict extends RuntimeException {

        public enum Reason { VERSION, CONTENTION }

        private final Reason reason;

        public Conflict(Reason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }
}
