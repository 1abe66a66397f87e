package io.siyu.functions.admin.referral;

import io.siyu.core.referral.Campaign;
import io.siyu.core.referral.CampaignKind;
import io.siyu.core.referral.Completion;
import io.siyu.core.referral.InviterCode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/** The admin API's referral request and response bodies (docs/openapi.yaml, schemas Referral*). */
final class ReferralViews {

    private ReferralViews() {}

    record CreateCampaign(String name, String kind, List<String> staffUserIds, List<String> chatIds, Integer target,
                          List<Integer> tiers, Instant startAt, Instant endAt, Long holdSeconds, Boolean onlyNewCustomers,
                          String rewardDescription) {}

    record UpdateCampaign(String name, String rewardDescription) {}

    record CampaignView(String campaignId, String name, String kind, List<String> staffUserIds, List<String> chatIds,
                        int target, List<Integer> tiers, Instant startAt, Instant endAt, long holdSeconds,
                        boolean onlyNewCustomers, String rewardDescription, String status, Instant createdAt,
                        String createdBy, long participants) {

        static CampaignView of(Campaign c) {
            boolean friend = c.kind() == CampaignKind.FRIEND;
            return new CampaignView(c.campaignId(), c.name(), c.kind().name().toLowerCase(Locale.ROOT),
                    friend ? c.members() : null, friend ? null : c.members(), c.target(), c.tiers(), c.startAt(), c.endAt(),
                    c.hold().toSeconds(), c.onlyNewCustomers(), c.rewardDescription(),
                    c.status().name().toLowerCase(Locale.ROOT), c.createdAt(), c.createdBy(), c.participants());
        }
    }

    record CampaignList(List<CampaignView> campaigns) {}

    record CodeView(String campaignId, String inviterExternalUserId, String state, String configId, String qrCode,
                    Instant issuedAt) {

        static CodeView of(InviterCode c) {
            return new CodeView(c.campaignId(), c.inviterExternalUserId(), c.state(), c.configId(), c.qrCode(), c.issuedAt());
        }
    }

    record LeaderboardEntry(int rank, String inviterExternalUserId, long count, long peak, long credited, long lost,
                            List<Integer> completedTiers) {}

    record Leaderboard(String campaignId, List<LeaderboardEntry> inviters) {}

    record Totals(String campaignId, long participants, long invitersWithCredits, long inviteesCredited, long inviteesLost,
                  long net, long rollbacks, long returns, long completions) {}

    record KFactorPoint(LocalDate day, long participantsJoined, long participants, long newCustomers, long newCustomersTotal,
                        long netTotal, Double kFactor) {}

    record KFactor(String campaignId, List<KFactorPoint> days) {}

    record HoldView(String inviterExternalUserId, int tier, Instant since, Instant until, long count) {}

    record Holds(String campaignId, List<HoldView> holds) {}

    record CompletionView(String inviterExternalUserId, int tier, Instant reachedAt, Instant completedAt, Instant confirmedAt,
                          boolean published, String eventId) {

        static CompletionView of(Completion c) {
            return new CompletionView(c.inviterExternalUserId(), c.tier(), c.reachedAt(), c.completedAt(), c.confirmedAt(),
                    c.publishedAt() != null, c.eventId());
        }
    }

    record Completions(String campaignId, List<CompletionView> completions) {}
}
