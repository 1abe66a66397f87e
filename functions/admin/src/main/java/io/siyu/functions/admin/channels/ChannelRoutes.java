package io.siyu.functions.admin.channels;

import io.siyu.core.channels.Channel;
import io.siyu.core.channels.ChannelReport;
import io.siyu.core.channels.ChannelStatsReader;
import io.siyu.core.contacts.ChannelStat;
import io.siyu.functions.admin.http.ApiException;
import io.siyu.functions.admin.http.ApiRequest;
import io.siyu.functions.admin.http.ApiResponse;
import io.siyu.functions.admin.http.Route;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/** Channels (渠道活码) and their funnel: {@code /admin/channels...}. */
public final class ChannelRoutes implements Route.Module {

    static final int MAX_RANGE_DAYS = 366;
    private static final Map<String, ToLongFunction<ChannelReport.Totals>> RANKINGS = Map.of(
            "net", ChannelReport.Totals::net,
            "newCustomers", ChannelReport.Totals::newCustomers,
            "adds", ChannelReport.Totals::adds,
            "lost", ChannelReport.Totals::lost);

    private final String corpId;
    private final ChannelService channels;
    private final ChannelStatsReader stats;
    private final Clock clock;
    private final ZoneId zone;

    public ChannelRoutes(String corpId, ChannelService channels, ChannelStatsReader stats, Clock clock, ZoneId zone) {
        this.corpId = corpId;
        this.channels = channels;
        this.stats = stats;
        this.clock = clock;
        this.zone = zone;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                new Route("GET", "/admin/channels/ranking", this::ranking),
                new Route("POST", "/admin/channels", r -> ApiResponse.created(
                        channels.create(corpId, r.body(ChannelRequest.class), r.operator()))),
                new Route("GET", "/admin/channels", r -> ApiResponse.ok(Map.of("channels", listed(r)))),
                new Route("GET", "/admin/channels/{channelId}", r -> ApiResponse.ok(channels.get(corpId, r.pathParameter("channelId")))),
                new Route("PUT", "/admin/channels/{channelId}", r -> ApiResponse.ok(
                        channels.update(corpId, r.pathParameter("channelId"), r.body(ChannelRequest.class)))),
                new Route("POST", "/admin/channels/{channelId}/archive", r -> ApiResponse.ok(
                        channels.archive(corpId, r.pathParameter("channelId")))),
                new Route("GET", "/admin/channels/{channelId}/stats", this::channelStats));
    }

    private List<Channel> listed(ApiRequest r) {
        String status = r.query("status", "active");
        return switch (status) {
            case "active" -> channels.list(corpId).stream().filter(c -> c.status() == Channel.Status.ACTIVE).toList();
            case "archived" -> channels.list(corpId).stream().filter(c -> c.status() == Channel.Status.ARCHIVED).toList();
            case "all" -> channels.list(corpId);
            default -> throw ApiException.invalid(Map.of("status", "must be active, archived or all"));
        };
    }

    private ApiResponse channelStats(ApiRequest r) {
        String channelId = r.pathParameter("channelId");
        boolean bucket = channelId.equals(ChannelStat.UNATTRIBUTED) || channelId.equals(ChannelStat.REFERRAL);
        if (!bucket) {
            channels.get(corpId, channelId); // 404 for an unknown channel
        }
        LocalDate[] range = range(r);
        return ApiResponse.ok(report(channelId, range[0], range[1]));
    }

    private ChannelReport report(String channel, LocalDate from, LocalDate to) {
        return ChannelReport.of(channel, from, to, stats.days(corpId, channel, from, to), today());
    }

    private ApiResponse ranking(ApiRequest r) {
        LocalDate[] range = range(r);
        String by = r.query("by", "net");
        ToLongFunction<ChannelReport.Totals> metric = RANKINGS.get(by);
        if (metric == null) {
            throw ApiException.invalid(Map.of("by", "must be one of " + String.join(", ", new java.util.TreeSet<>(RANKINGS.keySet()))));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Channel c : channels.list(corpId)) {
            ChannelReport.Totals totals = report(c.channelId(), range[0], range[1]).totals();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("channelId", c.channelId());
            row.put("name", c.name());
            row.put("status", c.status());
            row.put("totals", totals);
            rows.add(row);
        }
        rows.sort(Comparator.comparingLong((Map<String, Object> row) -> metric.applyAsLong((ChannelReport.Totals) row.get("totals")))
                .reversed().thenComparing(row -> (String) row.get("channelId")));
        for (int i = 0; i < rows.size(); i++) {
            rows.get(i).put("rank", i + 1);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", range[0]);
        out.put("to", range[1]);
        out.put("by", by);
        out.put("channels", rows);
        out.put("unattributed", report(ChannelStat.UNATTRIBUTED, range[0], range[1]).totals());
        out.put("referral", report(ChannelStat.REFERRAL, range[0], range[1]).totals());
        return ApiResponse.ok(out);
    }

    /** The corp's funnel over the last {@code days} local days up to today, from every channel and both buckets. */
    public record CorpPeriod(int days, LocalDate from, LocalDate to, ChannelReport.Totals totals) {}

    /**
     * For each of {@code periods} (numbers of local days ending today): the totals of every channel
     * (archived ones included) and of the unattributed and referral buckets, the same figures the
     * ranking reports, summed. Each channel's counters are read once, over the longest period.
     */
    public List<CorpPeriod> corpPeriods(int... periods) {
        LocalDate to = today();
        int longest = java.util.Arrays.stream(periods).max().orElseThrow();
        LocalDate from = to.minusDays(longest - 1);
        List<String> sources = new ArrayList<>();
        channels.list(corpId).forEach(c -> sources.add(c.channelId()));
        sources.add(ChannelStat.UNATTRIBUTED);
        sources.add(ChannelStat.REFERRAL);
        ChannelReport.Totals[] sums = new ChannelReport.Totals[periods.length];
        java.util.Arrays.fill(sums, ChannelReport.Totals.ZERO);
        for (String source : sources) {
            List<io.siyu.core.channels.ChannelDay> days = stats.days(corpId, source, from, to);
            for (int i = 0; i < periods.length; i++) {
                sums[i] = sums[i].plus(ChannelReport.of(source, to.minusDays(periods[i] - 1), to, days, to).totals());
            }
        }
        List<CorpPeriod> out = new ArrayList<>();
        for (int i = 0; i < periods.length; i++) {
            out.add(new CorpPeriod(periods[i], to.minusDays(periods[i] - 1), to, sums[i]));
        }
        return out;
    }

    /** {@code from}/{@code to} (local days, inclusive); the last 30 days by default. */
    private LocalDate[] range(ApiRequest r) {
        LocalDate to = date(r, "to", today());
        LocalDate from = date(r, "from", to.minusDays(29));
        if (from.isAfter(to)) {
            throw ApiException.invalid(Map.of("from", "must not be after to"));
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_RANGE_DAYS) {
            throw ApiException.invalid(Map.of("from", "the range may span at most " + MAX_RANGE_DAYS + " days"));
        }
        return new LocalDate[] {from, to};
    }

    private static LocalDate date(ApiRequest r, String name, LocalDate fallback) {
        String v = r.query(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(Map.of(name, "must be a date like 2026-11-23"));
        }
    }

    private LocalDate today() {
        return LocalDate.now(clock.withZone(zone));
    }
}
