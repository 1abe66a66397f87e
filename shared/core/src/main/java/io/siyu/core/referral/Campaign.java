package io.siyu.core.referral;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

/**
 * A referral (fission, 裂变) campaign: each participant shares a personal code; every new customer
 * who adds one of {@code members} (staff user ids, FRIEND) or joins one of them (chat ids, GROUP)
 * through it counts for that participant. Rules (docs/referral.md): only codes used in
 * {@code [startAt, endAt)} credit; an invitee counts for the first inviter only; self-invites never
 * count; with {@code onlyNewCustomers}, someone already a contact (or already in a campaign group)
 * does not count.
 *
 * @param tiers the invitee counts that complete a task, ascending and distinct; the last is the target
 * @param hold how long the count must stay at or above a tier before the task is confirmed (zero: at once)
 * @param participants codes issued so far (participating inviters)
 */
public record Campaign(String corpId, String campaignId, String name, CampaignKind kind, List<String> members,
                       List<Integer> tiers, Instant startAt, Instant endAt, Duration hold, boolean onlyNewCustomers,
                       String rewardDescription, CampaignStatus status, Instant createdAt, String createdBy,
                       long participants) {

    /**
     * How long after its end a campaign still records events: rollbacks after the end move the
     * counts (never a confirmed completion), and anything later than this is ignored.
     */
    public static final Duration TRACKING_AFTER_END = Duration.ofDays(30);

    /** Local days of the daily figures (the same zone as every per-day counter in Siyu). */
    public static final ZoneId LOCAL_ZONE = ZoneId.of("Asia/Shanghai");

    public Campaign {
        members = List.copyOf(members);
        tiers = List.copyOf(tiers);
    }

    public int target() {
        return tiers.get(tiers.size() - 1);
    }

    public Set<String> memberSet() {
        return Set.copyOf(members);
    }

    /** A code used at {@code at} can credit its inviter. */
    public boolean credits(Instant at) {
        return !at.isBefore(startAt) && at.isBefore(endAt);
    }

    /** Events at {@code at} are still recorded (the campaign is live and not past its tracking window). */
    public boolean records(Instant at) {
        return status == CampaignStatus.ACTIVE && at.isBefore(endAt.plus(TRACKING_AFTER_END));
    }

    /** Running at {@code now}: not archived, and a code used now credits its inviter. */
    public boolean activeAt(Instant now) {
        return status == CampaignStatus.ACTIVE && credits(now);
    }

    public boolean ended(Instant now) {
        return !now.isBefore(endAt);
    }
}
