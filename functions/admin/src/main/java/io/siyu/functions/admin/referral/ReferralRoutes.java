package io.siyu.functions.admin.referral;

import io.siyu.core.referral.Campaign;
import io.siyu.core.referral.CampaignKind;
import io.siyu.core.referral.CampaignStatus;
import io.siyu.core.referral.InviterCode;
import io.siyu.core.referral.InviterRecord;
import io.siyu.core.referral.ReferralCampaigns;
import io.siyu.core.referral.ReferralCampaigns.Claim;
import io.siyu.core.referral.ReferralCodes;
import io.siyu.core.referral.ReferralProgress;
import io.siyu.dynamodb.DynamoDbReferralCampaigns;
import io.siyu.functions.admin.http.ApiException;
import io.siyu.functions.admin.http.ApiRequest;
import io.siyu.functions.admin.http.ApiResponse;
import io.siyu.functions.admin.http.Route;
import io.siyu.functions.admin.http.Validation;
import io.siyu.functions.admin.referral.ReferralViews.CampaignList;
import io.siyu.functions.admin.referral.ReferralViews.CampaignView;
import io.siyu.functions.admin.referral.ReferralViews.CodeView;
import io.siyu.functions.admin.referral.ReferralViews.CompletionView;
import io.siyu.functions.admin.referral.ReferralViews.Completions;
import io.siyu.functions.admin.referral.ReferralViews.CreateCampaign;
import io.siyu.functions.admin.referral.ReferralViews.HoldView;
import io.siyu.functions.admin.referral.ReferralViews.Holds;
import io.siyu.functions.admin.referral.ReferralViews.KFactor;
import io.siyu.functions.admin.referral.ReferralViews.Leaderboard;
import io.siyu.functions.admin.referral.ReferralViews.UpdateCampaign;
import io.siyu.wecom.api.ExternalContactApi;
import io.siyu.wecom.api.GroupChatApi;
import io.siyu.wecom.api.WeComException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Referral campaigns (裂变) in the admin API: campaigns CRUD, inviter codes (idempotent), and the
 * reports (leaderboard, totals, k-factor over time, pending holds, completions). docs/referral.md
 * has the rules; docs/openapi.yaml the shapes.
 */
public final class ReferralRoutes implements Route.Module {

    static final String BASE = "/admin/referral/campaigns";
    /** WeCom: 「联系我」 takes at most 100 members per way, 「加入群聊」 at most 5 chats (41091). */
    static final int MAX_STAFF = 100;
    static final int MAX_CHATS = 5;
    static final int MAX_TARGET = 100_000;
    static final Duration MAX_HOLD = Duration.ofDays(30);
    static final Duration MAX_LENGTH = Duration.ofDays(366);
    static final Duration CODE_LEASE = Duration.ofSeconds(30);
    private static final Pattern WECOM_ID = Pattern.compile("[A-Za-z0-9_\\-@.]{1,64}");
    private static final Logger LOG = LoggerFactory.getLogger(ReferralRoutes.class);

    private final String corpId;
    private final ReferralCampaigns campaigns;
    private final ReferralProgress progress;
    private final ExternalContactApi contactWays;
    private final GroupChatApi joinWays;
    private final Clock clock;
    private final Supplier<String> campaignIds;
    private final Supplier<String> tokens;

    public ReferralRoutes(String corpId, ReferralCampaigns campaigns, ReferralProgress progress, ExternalContactApi contactWays,
                          GroupChatApi joinWays, Clock clock, Supplier<String> campaignIds, Supplier<String> tokens) {
        this.corpId = corpId;
        this.campaigns = campaigns;
        this.progress = progress;
        this.contactWays = contactWays;
        this.joinWays = joinWays;
        this.clock = clock;
        this.campaignIds = campaignIds;
        this.tokens = tokens;
    }

    @Override
    public List<Route> routes() {
        String one = BASE + "/{campaignId}";
        return List.of(
                new Route("POST", BASE, this::create),
                new Route("GET", BASE, r -> ApiResponse.ok(new CampaignList(campaigns.campaigns(corpId).stream()
                        .sorted(Comparator.comparing(Campaign::createdAt).reversed()).map(CampaignView::of).toList()))),
                new Route("GET", one, r -> ApiResponse.ok(CampaignView.of(campaign(r)))),
                new Route("PATCH", one, this::update),
                new Route("DELETE", one, this::archive),
                new Route("PUT", one + "/inviters/{externalUserId}/code", this::issueCode),
                new Route("GET", one + "/leaderboard", this::leaderboard),
                new Route("GET", one + "/totals", r -> {
                    Campaign c = campaign(r);
                    return ApiResponse.ok(ReferralReports.totals(c, progress.inviters(corpId, c.campaignId()),
                            progress.completions(corpId, c.campaignId())));
                }),
                new Route("GET", one + "/k-factor", this::kFactor),
                new Route("GET", one + "/holds", this::holds),
                new Route("GET", one + "/completions", r -> {
                    Campaign c = campaign(r);
                    return ApiResponse.ok(new Completions(c.campaignId(), progress.completions(corpId, c.campaignId()).stream()
                            .sorted(Comparator.comparing(io.siyu.core.referral.Completion::completedAt))
                            .map(CompletionView::of).toList()));
                }));
    }

    private Campaign campaign(ApiRequest r) {
        String id = r.pathParameter("campaignId");
        if (!ReferralCodes.isCampaignId(id)) {
            throw ApiException.notFound("campaign " + id);
        }
        return campaigns.campaign(corpId, id).orElseThrow(() -> ApiException.notFound("campaign " + id));
    }

    private ApiResponse create(ApiRequest r) {
        CreateCampaign b = r.body(CreateCampaign.class);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS); // what the table keeps
        Validation v = new Validation().required("name", b.name()).maxLength("name", b.name(), 64).required("kind", b.kind());
        CampaignKind kind = null;
        if (b.kind() != null) {
            kind = switch (b.kind()) {
                case "friend" -> CampaignKind.FRIEND;
                case "group" -> CampaignKind.GROUP;
                default -> null;
            };
            v.check(kind != null, "kind", "must be friend or group");
        }
        List<String> members = List.of();
        if (kind == CampaignKind.FRIEND) {
            members = ids(v, "staffUserIds", b.staffUserIds(), MAX_STAFF);
            v.check(b.chatIds() == null || b.chatIds().isEmpty(), "chatIds", "is for group campaigns only");
        } else if (kind == CampaignKind.GROUP) {
            members = ids(v, "chatIds", b.chatIds(), MAX_CHATS);
            v.check(b.staffUserIds() == null || b.staffUserIds().isEmpty(), "staffUserIds", "is for friend campaigns only");
        }
        v.required("target", b.target());
        v.check(b.target() == null || (b.target() >= 1 && b.target() <= MAX_TARGET), "target", "must be between 1 and " + MAX_TARGET);
        List<Integer> tiers = new ArrayList<>();
        if (b.tiers() != null) {
            for (Integer t : b.tiers()) {
                v.check(t != null && t >= 1 && b.target() != null && t <= b.target(), "tiers", "each tier must be between 1 and the target");
                v.check(t == null || !tiers.contains(t), "tiers", "must not repeat a tier");
                tiers.add(t);
            }
        }
        v.required("startAt", b.startAt()).required("endAt", b.endAt());
        if (b.startAt() != null && b.endAt() != null) {
            v.check(b.endAt().isAfter(b.startAt()), "endAt", "must be after startAt");
            v.check(!b.endAt().isAfter(b.startAt().plus(MAX_LENGTH)), "endAt", "must be within 366 days of startAt");
            v.check(b.endAt().isAfter(now), "endAt", "must be in the future");
        }
        long hold = b.holdSeconds() == null ? 0 : b.holdSeconds();
        v.check(hold >= 0 && hold <= MAX_HOLD.toSeconds(), "holdSeconds", "must be between 0 and " + MAX_HOLD.toSeconds());
        v.maxLength("rewardDescription", b.rewardDescription(), 500);
        v.orThrow();
        if (b.target() != null && !tiers.contains(b.target())) {
            tiers.add(b.target());
        }
        List<Integer> sortedTiers = tiers.stream().sorted().toList();
        for (int attempt = 0; attempt < 5; attempt++) {
            Campaign c = new Campaign(corpId, campaignIds.get(), b.name().strip(), kind, members, sortedTiers, b.startAt(),
                    b.endAt(), Duration.ofSeconds(hold), b.onlyNewCustomers() == null || b.onlyNewCustomers(),
                    b.rewardDescription() == null || b.rewardDescription().isBlank() ? null : b.rewardDescription().strip(),
                    CampaignStatus.ACTIVE, now, r.operator(), 0);
            if (campaigns.create(c)) {
                LOG.info("referral campaign {} created by {}: {} {} members", c.campaignId(), r.operator(), c.kind(), c.members().size());
                return ApiResponse.created(CampaignView.of(c));
            }
        }
        throw new IllegalStateException("no free campaign id after 5 attempts");
    }

    private static List<String> ids(Validation v, String field, List<String> given, int max) {
        v.required(field, given);
        if (given == null) {
            return List.of();
        }
        v.check(given.size() <= max, field, "at most " + max + " allowed");
        v.check(new HashSet<>(given).size() == given.size(), field, "must not repeat an id");
        for (String id : given) {
            v.check(id != null && WECOM_ID.matcher(id).matches(), field, "each must be a WeCom id (1 to 64 letters, digits, _ - @ .)");
        }
        return List.copyOf(given);
    }

    private ApiResponse update(ApiRequest r) {
        Campaign c = campaign(r);
        UpdateCampaign b = r.body(UpdateCampaign.class);
        new Validation().check(b.name() == null || !b.name().isBlank(), "name", "must not be blank")
                .maxLength("name", b.name(), 64).maxLength("rewardDescription", b.rewardDescription(), 500).orThrow();
        return ApiResponse.ok(CampaignView.of(campaigns.update(corpId, c.campaignId(), b.name() == null ? null : b.name().strip(),
                b.rewardDescription() == null ? null : b.rewardDescription().strip())
                .orElseThrow(() -> ApiException.notFound("campaign " + c.campaignId()))));
    }

    private ApiResponse archive(ApiRequest r) {
        Campaign c = campaign(r);
        campaigns.archive(corpId, c.campaignId());
        LOG.info("referral campaign {} archived by {}", c.campaignId(), r.operator());
        return ApiResponse.noContent();
    }

    /**
     * {@code PUT .../inviters/{externalUserId}/code}: the participant's personal code, created in
     * WeCom the first time (201) and answered as stored afterwards (200). The state is a hash of
     * campaign and inviter, claimed in the table before WeCom is called, so concurrent requests
     * create one WeCom configuration.
     */
    private ApiResponse issueCode(ApiRequest r) {
        Campaign c = campaign(r);
        String inviter = r.pathParameter("externalUserId");
        new Validation().check(inviter != null && WECOM_ID.matcher(inviter).matches(), "externalUserId",
                "must be a WeCom external_userid").orThrow();
        if (c.status() != CampaignStatus.ACTIVE) {
            throw ApiException.conflict("campaign " + c.campaignId() + " is archived");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        for (int salt = 0; salt < ReferralCodes.MAX_SALT; salt++) {
            String state = ReferralCodes.state(c.campaignId(), inviter, salt);
            String token = tokens.get();
            Claim claim = campaigns.claimCode(corpId, c.campaignId(), inviter, state, token, now, CODE_LEASE);
            if (claim instanceof Claim.Issued issued) {
                return ApiResponse.ok(CodeView.of(issued.code()));
            }
            if (claim instanceof Claim.InProgress) {
                throw new ApiException(409, "in_progress", "the code of " + inviter + " is being issued; retry in a few seconds");
            }
            if (claim instanceof Claim.Acquired) {
                if (c.ended(now)) {
                    campaigns.releaseCode(corpId, state, token);
                    throw ApiException.conflict("campaign " + c.campaignId() + " has ended");
                }
                return ApiResponse.created(CodeView.of(createInWeCom(c, inviter, state, token, now)));
            }
            // Claim.Taken: another inviter's hash; try the next salt
        }
        throw new IllegalStateException("no free state for " + inviter + " in " + c.campaignId());
    }

    private InviterCode createInWeCom(Campaign c, String inviter, String state, String token, Instant now) {
        String configId = null;
        try {
            String qrCode;
            if (c.kind() == CampaignKind.FRIEND) {
                var way = contactWays.addContactWay(new ExternalContactApi.ContactWayRequest(c.members().size() > 1, c.members(),
                        true, state, null));
                configId = way.configId();
                qrCode = way.qrCode();
            } else {
                // No auto-created rooms: a group WeCom opens by itself is not one of the campaign's groups.
                configId = joinWays.addJoinWay(new GroupChatApi.JoinWayRequest(c.members(), state, null, false, null, null));
                qrCode = joinWays.getJoinWay(configId).qrCode();
            }
            InviterCode code = campaigns.completeCode(corpId, c.campaignId(), inviter, state, token, configId, qrCode, now);
            LOG.info("referral code issued: campaign={} inviter={} state={} configId={}", c.campaignId(), inviter, state, configId);
            return code;
        } catch (WeComException | DynamoDbReferralCampaigns.LostClaim e) {
            campaigns.releaseCode(corpId, state, token);
            deleteQuietly(c.kind(), configId);
            if (e instanceof DynamoDbReferralCampaigns.LostClaim) {
                throw new ApiException(409, "in_progress", "the code of " + inviter + " was issued by another request; retry");
            }
            throw e;
        }
    }

    /** Gives back a WeCom configuration nobody will use (the 「联系我」/「加入群聊」 quota is shared). */
    private void deleteQuietly(CampaignKind kind, String configId) {
        if (configId == null) {
            return;
        }
        try {
            if (kind == CampaignKind.FRIEND) {
                contactWays.deleteContactWay(configId);
            } else {
                joinWays.deleteJoinWay(configId);
            }
        } catch (WeComException e) {
            LOG.warn("could not delete unused WeCom config {}: errcode {}", configId, e.errcode());
        }
    }

    private ApiResponse leaderboard(ApiRequest r) {
        Campaign c = campaign(r);
        int limit = r.queryInt("limit", 50, 1, 1000);
        return ApiResponse.ok(new Leaderboard(c.campaignId(), ReferralReports.leaderboard(progress.inviters(corpId, c.campaignId()),
                progress.completions(corpId, c.campaignId()), limit)));
    }

    private ApiResponse kFactor(ApiRequest r) {
        Campaign c = campaign(r);
        LocalDate first = c.startAt().atZone(Campaign.LOCAL_ZONE).toLocalDate();
        LocalDate today = clock.instant().atZone(Campaign.LOCAL_ZONE).toLocalDate();
        LocalDate last = c.endAt().minusNanos(1).atZone(Campaign.LOCAL_ZONE).toLocalDate();
        LocalDate from = day(r, "from", first);
        LocalDate to = day(r, "to", today.isBefore(last) ? today : last);
        new Validation().check(!to.isBefore(from), "to", "must not be before from")
                .check(!to.isAfter(from.plusDays(400)), "to", "must be within 400 days of from").orThrow();
        List<InviterRecord> inviters = progress.inviters(corpId, c.campaignId());
        return ApiResponse.ok(new KFactor(c.campaignId(), ReferralReports.kFactor(
                campaigns.participantsByDay(corpId, c.campaignId()), inviters, from, to)));
    }

    private static LocalDate day(ApiRequest r, String name, LocalDate fallback) {
        String v = r.query(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return LocalDate.parse(v.trim());
        } catch (DateTimeParseException e) {
            throw new ApiException(400, "invalid_request", name + " must be a date (yyyy-MM-dd)", Map.of(name, "must be a date"));
        }
    }

    private ApiResponse holds(ApiRequest r) {
        Campaign c = campaign(r);
        List<HoldView> holds = new ArrayList<>();
        for (InviterRecord i : progress.inviters(corpId, c.campaignId())) {
            i.pending().forEach(p -> holds.add(new HoldView(i.inviterExternalUserId(), p.tier(), p.since(), p.until(), i.count())));
        }
        holds.sort(Comparator.comparing(HoldView::until).thenComparing(HoldView::inviterExternalUserId));
        return ApiResponse.ok(new Holds(c.campaignId(), holds));
    }
}
