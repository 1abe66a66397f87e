package io.siyu.core.events;

import java.time.Instant;

/**
 * An inviter reached a tier of a referral campaign (裂变任务完成) and, when the campaign has a hold
 * period, stayed at or above it for the whole hold. Published once per (campaign, inviter, tier):
 * {@code eventId} is derived from those three, so a republished copy carries the same id.
 *
 * @param occurredAt when the task counts as completed: {@code reachedAt} plus the hold, in event time
 * @param inviterExternalUserId the participant who shared the code (external_userid)
 * @param tier the invitee count of the tier
 * @param reachedAt when the count reached the tier (the start of the hold)
 * @param holdSeconds the campaign's hold period
 * @param rewardDescription the campaign's reward text, for the fulfilment consumer
 */
public record ReferralTaskCompleted(String eventId, String corpId, Instant occurredAt, String campaignId,
                                    String inviterExternalUserId, int tier, Instant reachedAt, long holdSeconds,
                                    String rewardDescription) implements DomainEvent {

    public static String eventIdOf(String campaignId, String inviterExternalUserId, int tier) {
        return "referral-" + campaignId + "-" + inviterExternalUserId + "-" + tier;
    }

    @Override
    public String eventSource() {
        return "siyu.referral";
    }
}
