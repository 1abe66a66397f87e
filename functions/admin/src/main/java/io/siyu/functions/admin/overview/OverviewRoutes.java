package io.siyu.functions.admin.overview;

import io.siyu.core.referral.ReferralCampaigns;
import io.siyu.core.sop.DeliveryStore;
import io.siyu.functions.admin.channels.ChannelRoutes;
import io.siyu.functions.admin.channels.ChannelRoutes.CorpPeriod;
import io.siyu.functions.admin.http.ApiException;
import io.siyu.functions.admin.http.ApiRequest;
import io.siyu.functions.admin.http.ApiResponse;
import io.siyu.functions.admin.http.Route;
import io.siyu.functions.admin.rfm.RfmRoutes;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The console's first page in one answer, {@code GET /admin/overview}: the corp's funnel today and
 * over 7 and 30 local days, referral campaigns running now, SOP tasks waiting for their sender's
 * confirmation, and customers per RFM segment and lifecycle stage. Every figure is computed here
 * by the same code as the route that reports it in detail (channel ranking, SOP step report, RFM
 * distribution); the console only shows them.
 */
public final class OverviewRoutes implements Route.Module {

    /** The periods, in local days ending today. */
    static final int[] PERIODS = {1, 7, 30};

    private final String corpId;
    private final ChannelRoutes channels;
    private final ReferralCampaigns campaigns;
    private final DeliveryStore deliveries;
    private final RfmRoutes rfm;
    private final Clock clock;
    private final ZoneId zone;

    public OverviewRoutes(String corpId, ChannelRoutes channels, ReferralCampaigns campaigns, DeliveryStore deliveries, RfmRoutes rfm,
                          Clock clock, ZoneId zone) {
        this.corpId = corpId;
        this.channels = channels;
        this.campaigns = campaigns;
        this.deliveries = deliveries;
        this.rfm = rfm;
        this.clock = clock;
        this.zone = zone;
    }

    /** SOP tasks created at WeCom that their sender has not confirmed yet (still followed, not cancelled). */
    public record SopWaiting(long tasksAwaitingConfirmation, long senders, long recipients) {}

    @Override
    public List<Route> routes() {
        return List.of(new Route("GET", "/admin/overview", this::overview));
    }

    private ApiResponse overview(ApiRequest r) {
        if (r.query() != null && !r.query().isEmpty()) {
            Map<String, String> unknown = new TreeMap<>();
            r.query().keySet().forEach(k -> unknown.put(k, "is not a parameter of this route (it takes none)"));
            throw ApiException.invalid(unknown);
        }
        Instant now = clock.instant();
        List<CorpPeriod> periods = channels.corpPeriods(PERIODS);
        long activeCampaigns = campaigns.campaigns(corpId).stream().filter(c -> c.activeAt(now)).count();
        long tasks = 0;
        long recipients = 0;
        Set<String> senders = new HashSet<>();
        for (DeliveryStore.SenderTask task : deliveries.followed(corpId)) {
            if (task.cancellable()) {
                tasks++;
                recipients += task.recipients() - task.refused();
                senders.add(task.sender());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("zone", zone.getId());
        out.put("today", periods.get(0).to());
        out.put("periods", periods);
        out.put("referral", Map.of("activeCampaigns", activeCampaigns));
        out.put("sop", new SopWaiting(tasks, senders.size(), recipients));
        out.put("rfm", rfm.distribution());
        return ApiResponse.ok(out);
    }
}
