package io.siyu.core.referral;

import io.siyu.core.events.ReferralTaskCompleted;
import java.time.Instant;

/**
 * A confirmed task completion: one per (campaign, inviter, tier), never revoked.
 *
 * @param completedAt event time of the completion (reached plus hold)
 * @param confirmedAt when Siyu confirmed it (the sweep's clock)
 * @param publishedAt when ReferralTaskCompleted was accepted by the bus, or null while it is still to publish
 */
public record Completion(String corpId, String campaignId, String inviterExternalUserId, int tier, Instant reachedAt,
                         Instant completedAt, Instant confirmedAt, Instant publishedAt) {

    public String eventId() {
        return ReferralTaskCompleted.eventIdOf(campaignId, inviterExternalUserId, tier);
    }

    public ReferralTaskCompleted event(Campaign campaign) {
        return new ReferralTaskCompleted(eventId(), corpId, completedAt, campaignId, inviterExternalUserId, tier,
                reachedAt, campaign.hold().toSeconds(), campaign.rewardDescription());
    }
}
