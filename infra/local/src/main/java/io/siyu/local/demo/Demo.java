package io.siyu.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.siyu.local.demo.Expectations.Funnel;
import io.siyu.local.demo.Scenario.ChannelPlan;
import io.siyu.local.demo.Scenario.CustomerPlan;
import io.siyu.local.demo.Scenario.Delivery;
import io.siyu.local.demo.Scenario.GroupPlan;
import io.siyu.local.demo.Scenario.Kind;
import io.siyu.local.demo.Scenario.LogicalEvent;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The demo, as steps that each need some of Siyu's routes and are skipped (and say so) on a stack
 * that lacks them, so it grows with each capability: channels and attribution now; referral
 * campaigns, SOPs, orders and RFM rules as they land (their steps name the routes they wait for).
 * It talks to the stack over HTTP only ({@link StackClient}), then compares what the stack reports
 * with {@link Expectations} computed from the generated input.
 */
public final class Demo {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StackClient client;
    private final Scenario scenario;
    private final Expectations expected;
    private final PrintStream progress;
    private final DemoReport report = new DemoReport();
    private Set<String> routes = Set.of();
    /** What the stack had counted before this run: the demo compares only what it adds. */
    private long eventsBefore;
    private Map<String, JsonNode> rankingBefore = Map.of();
    private JsonNode callsBefore;
    private final Map<String, String> channelIds = new LinkedHashMap<>();
    private int step;
    private static final int STEPS = 8;

    public Demo(StackClient client, Scenario scenario, PrintStream progress) {
        this.client = client;
        this.scenario = scenario;
        this.expected = Expectations.of(scenario);
        this.progress = progress;
    }

    public Expectations expectations() {
        return expected;
    }

    /** Runs every step and returns the report (also printed to the progress stream). */
    public DemoReport run() {
        long started = System.nanoTime();
        stack();
        channels();
        worldFacts();
        callbacks();
        waitingFor("referral campaigns", "POST /admin/referral/campaigns");
        waitingFor("SOPs", "POST /admin/sops");
        waitingFor("orders and RFM rules", "POST /orders");
        schedules();
        settle();
        reportBus();
        reportChannels();
        reportWeCom();
        report.section("Not in this build yet", List.of(
                "referral leaderboard and k-factor: needs the referral capability (issue 5)",
                "SOP sends: needs the SOP capability",
                "customers per RFM segment: needs order ingest and RFM"));
        progress.printf(Locale.ROOT, "Done in %.1f s.%n", (System.nanoTime() - started) / 1e9);
        report.print(progress);
        return report;
    }

    private void begin(String what) {
        progress.printf(Locale.ROOT, "[%d/%d] %s%n", ++step, STEPS, what);
    }

    private void stack() {
        begin("stack at " + client.base());
        JsonNode stack = client.stack();
        Set<String> r = new HashSet<>();
        stack.path("routes").forEach(n -> r.add(n.path("route").asText()));
        routes = r;
        progress.printf(Locale.ROOT, "      %d functions, %d routes, %d rules, %d schedules; corp %s%n", stack.path("functions").size(),
                stack.path("routes").size(), stack.path("rules").size(), stack.path("schedules").size(), stack.path("corpId").asText());
        eventsBefore = client.get("/_local/events?after=0", true).json().path("last").asLong();
        rankingBefore = has("GET /admin/channels/ranking") ? ranking() : Map.of();
        callsBefore = client.get("/_local/wecom/calls", true).json();
    }

    private String rankingQuery() {
        return "from=" + expected.firstDay() + "&to=" + expected.lastDay() + "&by=net";
    }

    /** Funnel totals by channel id (and the unattributed bucket), as the admin API ranks them now. */
    private Map<String, JsonNode> ranking() {
        StackClient.Reply r = client.admin("GET", "/admin/channels/ranking?" + rankingQuery(), null);
        check(r, "GET /admin/channels/ranking");
        Map<String, JsonNode> totals = new LinkedHashMap<>();
        for (JsonNode c : r.json().path("channels")) {
            totals.put(c.path("channelId").asText(), c.path("totals"));
        }
        totals.put(Expectations.UNATTRIBUTED, r.json().path("unattributed"));
        return totals;
    }

    private boolean has(String route) {
        return routes.contains(route);
    }

    private void channels() {
        begin("channels (渠道活码) through the admin API");
        if (!has("POST /admin/channels")) {
            progress.println("      skipped: the template has no POST /admin/channels yet; adds count as unattributed");
            return;
        }
        for (ChannelPlan c : scenario.channels()) {
            ObjectNode body = JSON.createObjectNode();
            body.put("name", c.name());
            body.put("code", c.code());
            body.set("staffUserIds", JSON.valueToTree(c.staff()));
            if (c.welcome() != null) {
                body.putObject("welcome").put("text", c.welcome());
            }
            StackClient.Reply r = client.admin("POST", "/admin/channels", body);
            if (r.status() != 201 && r.status() != 200) {
                throw new IllegalStateException("creating channel " + c.code() + " answered " + r.status() + ": " + r.body());
            }
            JsonNode channel = r.json();
            channelIds.put(c.code(), channel.path("channelId").asText());
            progress.printf(Locale.ROOT, "      %s  %s  staff %s  QR %s%n", channel.path("channelId").asText(), c.name(), c.staff(),
                    channel.path("qrCode").asText());
        }
    }

    /** What WeCom knows that no callback carries: names and unionids, group owners, join-way states. */
    private void worldFacts() {
        begin("what WeCom knows beyond the callbacks (the stub's customers and groups)");
        for (CustomerPlan c : scenario.customers()) {
            ObjectNode facts = JSON.createObjectNode().put("name", c.name()).put("gender", c.gender()).put("unionid", c.unionId());
            check(client.put("/_local/wecom/customers/" + c.externalUserId(), facts.toString()), "customer facts");
        }
        for (GroupPlan g : scenario.groups()) {
            check(client.put("/_local/wecom/groupchats/" + g.chatId(),
                    JSON.createObjectNode().put("name", g.name()).put("owner", g.owner()).toString()), "group facts");
        }
        for (LogicalEvent e : scenario.events()) {
            if (e.kind() == Kind.GROUP_JOIN && e.joinState() != null) {
                check(client.put("/_local/wecom/groupchats/" + e.chatId() + "/joins/" + e.customer(),
                        JSON.createObjectNode().put("state", e.joinState()).put("join_scene", 3).toString()), "join facts");
            }
        }
        progress.printf(Locale.ROOT, "      %d customers, %d groups%n", scenario.customers().size(), scenario.groups().size());
    }

    private static void check(StackClient.Reply r, String what) {
        if (r.status() / 100 != 2) {
            throw new IllegalStateException(what + " answered " + r.status() + ": " + r.body());
        }
    }

    private int delivered;
    private int refused;

    private void callbacks() {
        List<Delivery> deliveries = scenario.deliveries();
        long redeliveries = deliveries.stream().filter(Delivery::redelivery).count();
        begin(String.format(Locale.ROOT, "WeCom callbacks: %d events, %d deliveries (%d redeliveries, some out of order)",
                scenario.events().size(), deliveries.size(), redeliveries));
        int tenth = Math.max(1, deliveries.size() / 10);
        for (int i = 0; i < deliveries.size(); i++) {
            StackClient.Reply r = client.callback(deliveries.get(i).event().xml());
            if (r.status() == 200) {
                delivered++;
            } else {
                refused++;
                progress.printf(Locale.ROOT, "      delivery %d answered %d: %s%n", i, r.status(), r.body());
            }
            if ((i + 1) % tenth == 0 || i + 1 == deliveries.size()) {
                progress.printf(Locale.ROOT, "      %3d%%  %d/%d%n", (i + 1) * 100 / deliveries.size(), i + 1, deliveries.size());
            }
        }
    }

    private void waitingFor(String what, String route) {
        begin(what);
        progress.println(has(route) ? "      the stack has " + route + ", but this demo does not drive it yet"
                : "      skipped: the template has no " + route + " yet");
    }

    private void schedules() {
        begin("fire every schedule once");
        JsonNode schedules = client.stack().path("schedules");
        if (schedules.isEmpty()) {
            progress.println("      the template has no schedules yet");
        }
        for (JsonNode s : schedules) {
            StackClient.Reply r = client.fireSchedule(s.path("id").asText());
            progress.printf(Locale.ROOT, "      %s -> %d%n", s.path("id").asText(), r.status());
        }
    }

    private void settle() {
        progress.println("      waiting for the stack to finish (bus rules, queues, streams) ...");
        if (!client.awaitIdle(Duration.ofMinutes(5))) {
            throw new IllegalStateException("the stack did not settle within 5 minutes");
        }
    }

    private void reportBus() {
        Map<String, Integer> actual = new TreeMap<>();
        for (JsonNode e : client.get("/_local/events?after=" + eventsBefore, true).json().path("events")) {
            if (e.path("source").asText().equals("siyu.wecom")) {
                actual.merge(e.path("detailType").asText(), 1, Integer::sum);
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%d deliveries answered 200, %d refused", delivered, refused));
        report.compare("callbacks", "answered 200", scenario.deliveries().size(), delivered);
        Set<String> types = new java.util.TreeSet<>(expected.busEvents().keySet());
        types.addAll(actual.keySet());
        for (String type : types) {
            lines.add(String.format(Locale.ROOT, "%-20s %s", type,
                    report.compare("bus events", type, expected.busEvents().getOrDefault(type, 0), actual.getOrDefault(type, 0))));
        }
        report.section("Callbacks and bus events (each event published once, however often delivered)", lines);
    }

    private void reportChannels() {
        if (!has("GET /admin/channels/ranking")) {
            report.section("Customers per channel", List.of("needs GET /admin/channels/ranking (attribution)"));
            return;
        }
        Map<String, JsonNode> totals = ranking();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-24s %9s %9s %9s %9s %9s", "channel", "new", "returning", "lost", "net", "adds"));
        for (Map.Entry<String, Funnel> e : expected.funnels().entrySet()) {
            String id = e.getKey().equals(Expectations.UNATTRIBUTED) ? Expectations.UNATTRIBUTED : channelIds.getOrDefault(e.getKey(), e.getKey());
            JsonNode t = totals.getOrDefault(id, JSON.createObjectNode());
            JsonNode b = rankingBefore.getOrDefault(id, JSON.createObjectNode());
            Funnel f = e.getValue();
            String label = e.getKey();
            lines.add(String.format(Locale.ROOT, "%-24s %9s %9s %9s %9s %9s", label,
                    report.compare("channels", label + " new", f.newCustomers(), delta(t, b, "newCustomers")),
                    report.compare("channels", label + " returning", f.returning(), delta(t, b, "returning")),
                    report.compare("channels", label + " lost", f.lost(), delta(t, b, "lost")),
                    report.compare("channels", label + " net", f.net(), delta(t, b, "net")),
                    report.compare("channels", label + " adds", f.adds(), delta(t, b, "adds"))));
        }
        report.section("Customers per channel (first touch; GET /admin/channels/ranking?" + rankingQuery() + ")", lines);
    }

    private static long delta(JsonNode now, JsonNode before, String field) {
        return now.path(field).asLong() - before.path(field).asLong();
    }

    private void reportWeCom() {
        JsonNode calls = client.get("/_local/wecom/calls", true).json();
        List<String> lines = new ArrayList<>();
        calls.fields().forEachRemaining(c -> lines.add(String.format(Locale.ROOT, "%-40s %d", c.getKey(),
                c.getValue().asInt() - callsBefore.path(c.getKey()).asInt())));
        if (lines.isEmpty()) {
            lines.add("(none)");
        }
        report.section("WeCom API calls the functions made (the stub's count)", lines);
    }
}
