package io.siyu.functions.referral;

import io.siyu.core.referral.Campaign;
import io.siyu.core.referral.ReferralCampaigns;
import java.util.List;

/**
 * The corp's campaigns, kept between events and read again exactly when the catalog version says
 * a campaign was created or archived: one small consistent read per event instead of the whole
 * list, and no window in which a new campaign's events go unrecorded (a time-based cache would
 * miss the removals of its first seconds).
 */
final class CampaignDirectory {

    private final ReferralCampaigns campaigns;
    private final String corpId;
    private volatile Cached cached;

    private record Cached(long version, List<Campaign> campaigns) {}

    CampaignDirectory(ReferralCampaigns campaigns, String corpId) {
        this.campaigns = campaigns;
        this.corpId = corpId;
    }

    List<Campaign> all() {
        long version = campaigns.catalogVersion(corpId);
        Cached c = cached;
        if (c == null || c.version() != version) {
            // Read after the version: the list holds at least every campaign the version counts.
            c = new Cached(version, List.copyOf(campaigns.campaigns(corpId)));
            cached = c;
        }
        return c.campaigns();
    }
}
