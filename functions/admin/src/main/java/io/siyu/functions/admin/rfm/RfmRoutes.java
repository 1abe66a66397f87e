package io.siyu.functions.admin.rfm;

import io.siyu.core.orders.CustomerRef;
import io.siyu.core.rfm.LifecycleStage;
import io.siyu.core.rfm.RfmRepository;
import io.siyu.core.rfm.RfmScores;
import io.siyu.core.rfm.RfmState;
import io.siyu.core.rfm.RfmThresholds;
import io.siyu.core.rfm.RfmTransition;
import io.siyu.core.rfm.Segment;
import io.siyu.functions.admin.http.ApiException;
import io.siyu.functions.admin.http.ApiRequest;
import io.siyu.functions.admin.http.ApiResponse;
import io.siyu.functions.admin.http.Route;
import io.siyu.functions.admin.http.Validation;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * RFM for operators (docs/rfm.md, docs/openapi.yaml): a customer's R/F/M, scores, segment and
 * stage with their history, the distribution over segments and stages (read from counters, never
 * a scan), and the corp's thresholds.
 */
public final class RfmRoutes implements Route.Module {

    static final String UNIONID_PREFIX = "unionid:";
    private static final Pattern WECOM_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final String corpId;
    private final RfmRepository repository;
    private final Clock clock;

    public RfmRoutes(String corpId, RfmRepository repository, Clock clock) {
        this.corpId = corpId;
        this.repository = repository;
        this.clock = clock;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                new Route("GET", "/admin/rfm/customers/{customerId}", this::customer),
                new Route("GET", "/admin/rfm/customers/{customerId}/history", this::history),
                new Route("GET", "/admin/rfm/distribution", r -> ApiResponse.ok(distribution())),
                new Route("GET", "/admin/rfm/thresholds", r -> ApiResponse.ok(ThresholdsBody.of(repository.thresholds(corpId)))),
                new Route("PUT", "/admin/rfm/thresholds", this::putThresholds));
    }

    public record Scores(int recency, int frequency, int monetary) {
        static Scores of(RfmScores s) {
            return s == null ? null : new Scores(s.recency(), s.frequency(), s.monetary());
        }
    }

    /** A customer's RFM record as operators see it; standing fields are absent when they have no paid order. */
    public record CustomerView(String customerId, String externalUserId, String unionId, long paidOrders, long paidFen,
                               Instant lastPaidAt, LocalDate scoredOn, Long recencyDays, Scores scores, String segment,
                               String segmentLabel, String stage, String stageLabel, LocalDate nextRescoreOn,
                               boolean wecomTagsApplied) {}

    public record HistoryEntry(long version, Instant at, String fromSegment, String toSegment, String fromStage,
                               String toStage, Scores scores, String reason) {}

    public record HistoryPage(List<HistoryEntry> items, Long nextBefore) {}

    public record Count(String name, String label, long customers) {}

    public record Distribution(long customers, List<Count> segments, List<Count> stages) {}

    /** The thresholds on the wire: the same names and meaning as {@link RfmThresholds}. */
    public record ThresholdsBody(List<Integer> recencyDays, List<Long> frequencyOrders, List<Long> monetaryFen,
                                 Integer highScoreFrom, Integer newCustomerDays) {
        static ThresholdsBody of(RfmThresholds t) {
            return new ThresholdsBody(t.recencyDays(), t.frequencyOrders(), t.monetaryFen(), t.highScoreFrom(), t.newCustomerDays());
        }
    }

    private ApiResponse customer(ApiRequest r) {
        CustomerRef c = customerRef(r.pathParameter("customerId"));
        RfmState s = repository.state(corpId, c).orElseThrow(() -> ApiException.notFound("RFM record of customer " + r.pathParameter("customerId")));
        var p = s.profile();
        return ApiResponse.ok(new CustomerView(r.pathParameter("customerId"),
                c.isExternalUser() ? c.id() : null, c.isExternalUser() ? null : c.id(),
                s.totals().paidOrders(), s.totals().paidFen(), s.totals().lastPaidAt(), s.scoredOn(),
                p == null ? null : p.recencyDays(), p == null ? null : Scores.of(p.scores()),
                p == null ? null : p.segment().name(), p == null ? null : p.segment().label(),
                p == null ? null : p.stage().name(), p == null ? null : p.stage().label(),
                p == null ? null : p.nextBoundary(), !s.tagsBehind()));
    }

    private ApiResponse history(ApiRequest r) {
        CustomerRef c = customerRef(r.pathParameter("customerId"));
        int limit = r.queryInt("limit", 20, 1, 100);
        String before = r.query("before");
        Long beforeVersion = null;
        if (before != null && !before.isBlank()) {
            try {
                beforeVersion = Long.parseLong(before.trim());
            } catch (NumberFormatException e) {
                beforeVersion = -1L;
            }
            if (beforeVersion < 1) {
                throw new ApiException(400, "invalid_request", "before must be a version number (nextBefore of the previous page)",
                        Map.of("before", "must be a positive whole number"));
            }
        }
        List<RfmTransition> page = repository.history(corpId, c, limit, beforeVersion);
        List<HistoryEntry> items = new ArrayList<>();
        for (RfmTransition t : page) {
            items.add(new HistoryEntry(t.version(), t.at(), name(t.fromSegment()), name(t.toSegment()), name(t.fromStage()),
                    name(t.toStage()), Scores.of(t.scores()), t.reason().name()));
        }
        Long next = page.size() == limit && page.get(page.size() - 1).version() > 1 ? page.get(page.size() - 1).version() : null;
        return ApiResponse.ok(new HistoryPage(items, next));
    }

    /** Customers per segment and per stage, from the distribution counters. */
    public Distribution distribution() {
        RfmRepository.Distribution d = repository.distribution(corpId);
        List<Count> segments = new ArrayList<>();
        long total = 0;
        for (Segment s : Segment.values()) {
            long n = Math.max(0, d.segments().getOrDefault(s, 0L));
            total += n;
            segments.add(new Count(s.name(), s.label(), n));
        }
        List<Count> stages = new ArrayList<>();
        for (LifecycleStage s : LifecycleStage.values()) {
            stages.add(new Count(s.name(), s.label(), Math.max(0, d.stages().getOrDefault(s, 0L))));
        }
        return new Distribution(total, segments, stages);
    }

    private ApiResponse putThresholds(ApiRequest r) {
        ThresholdsBody b = r.body(ThresholdsBody.class);
        Validation v = new Validation()
                .required("recencyDays", b.recencyDays())
                .required("frequencyOrders", b.frequencyOrders())
                .required("monetaryFen", b.monetaryFen())
                .required("highScoreFrom", b.highScoreFrom())
                .required("newCustomerDays", b.newCustomerDays());
        RfmThresholds.problems(b.recencyDays(), b.frequencyOrders(), b.monetaryFen(),
                b.highScoreFrom() == null ? 3 : b.highScoreFrom(), b.newCustomerDays() == null ? 30 : b.newCustomerDays())
                .forEach((field, problem) -> v.check(false, field, problem));
        v.orThrow();
        RfmThresholds t = new RfmThresholds(b.recencyDays(), b.frequencyOrders(), b.monetaryFen(), b.highScoreFrom(), b.newCustomerDays());
        repository.saveThresholds(corpId, t, clock.instant(), r.operator());
        return ApiResponse.ok(ThresholdsBody.of(t));
    }

    /** An external_userid, or {@code unionid:<unionid>} for a customer the orders name only by unionid. */
    private static CustomerRef customerRef(String id) {
        boolean union = id != null && id.startsWith(UNIONID_PREFIX);
        String raw = union ? id.substring(UNIONID_PREFIX.length()) : id;
        if (raw == null || !WECOM_ID.matcher(raw).matches()) {
            throw new ApiException(400, "invalid_request", "customerId must be an external_userid or unionid:<unionid>",
                    Map.of("customerId", "must be an external_userid or unionid:<unionid>"));
        }
        return union ? CustomerRef.unionId(raw) : CustomerRef.externalUser(raw);
    }

    private static String name(Enum<?> e) {
        return e == null ? null : e.name();
    }
}
