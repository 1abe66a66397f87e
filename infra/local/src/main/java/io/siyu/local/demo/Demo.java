package io.siyu.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.siyu.core.rfm.LifecycleStage;
import io.siyu.core.rfm.RfmThresholds;
import io.siyu.core.rfm.Segment;
import io.siyu.local.demo.Expectations.Funnel;
import io.siyu.local.demo.Scenario.ChannelPlan;
import io.siyu.local.demo.Scenario.CustomerPlan;
import io.siyu.local.demo.Scenario.Delivery;
import io.siyu.local.demo.Scenario.GroupPlan;
import io.siyu.local.demo.Scenario.Kind;
import io.siyu.local.demo.Scenario.LogicalEvent;
import io.siyu.local.demo.Scenario.OrderVersion;
import io.siyu.local.demo.Scenario.ReferralPlan;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo, as steps that each need some of Siyu's routes and are skipped (and say so) on a stack
 * that lacks them: channels and attribution, a referral campaign, an SOP, orders and RFM. It talks
 * to the stack over HTTP only ({@link StackClient}), then compares what the stack reports with
 * {@link Expectations} computed from the generated input.
 */
public final class Demo {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final ZoneId CORP_ZONE = ZoneId.of("Asia/Shanghai");
    private static final DateTimeFormatter LOCAL_MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");
    /** Orders per POST /orders/batch (the route's maximum, docs/orders.md). */
    private static final int ORDER_BATCH = 500;

    private final StackClient client;
    /** The scenario as sent: the generated one with the inviters' real code states once issued. */
    private Scenario scenario;
    private final Expectations expected;
    private final PrintStream progress;
    private final DemoReport report = new DemoReport();
    private Set<String> routes = Set.of();
    /** What the stack had counted before this run: the demo compares only what it adds. */
    private long eventsBefore;
    private Map<String, JsonNode> rankingBefore = Map.of();
    private JsonNode callsBefore;
    private long accessDeniedBefore;
    private final Map<String, String> channelIds = new LinkedHashMap<>();
    private String campaignId;
    private String sopId;
    private String sopStepId;
    private String sopText;
    private Instant sopAt;
    private String sopLink;
    /** What the customers' and the preview fetcher's visits to the SOP's short link must count. */
    private long clicksExpected;
    private long visitorsExpected;
    private long botClicksExpected;
    private String linkVisits = "";
    /** Senders who confirm the SOP's task in the WeCom client themselves: the first does later in the demo, the second never. */
    private List<String> confirmingByHand = List.of();
    private JsonNode distributionBefore;
    private final Map<String, Integer> orderResults = new TreeMap<>();
    private int step;
    private static final int STEPS = 9;

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
        referral();
        worldFacts();
        callbacks();
        sop();
        ordersAndRfm();
        schedules();
        settle();
        staffConfirmations();
        reportBus();
        reportChannels();
        reportReferral();
        reportSop();
        reportOrdersAndRfm();
        reportWeCom();
        reportPermissions();
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
        accessDeniedBefore = accessDenied(stack);
    }

    /** DynamoDB calls the stack refused because the calling function's policies do not allow them. */
    private static long accessDenied(JsonNode stack) {
        long n = 0;
        for (JsonNode f : stack.path("functions")) {
            n += f.path("accessDenied").asLong();
        }
        return n;
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
        totals.put(Expectations.REFERRAL, r.json().path("referral"));
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
        // The SOP's audience and the customers' RFM stages are read from the contacts as the callbacks leave them.
        settle();
    }

    private boolean skipped(String route) {
        if (has(route)) {
            return false;
        }
        progress.println("      skipped: the template has no " + route);
        return true;
    }

    /**
     * A friend campaign over the scenario's staff and a code for each of its inviters; the
     * scenario's referral adds then carry the states the admin API returned (WeCom would put the
     * 「联系我」's state into the add callback; the stub does not invent adds, the scenario sends them).
     */
    private void referral() {
        begin("a referral campaign (裂变) and inviter codes through the admin API");
        if (skipped("POST /admin/referral/campaigns")) {
            return;
        }
        ReferralPlan plan = scenario.referral();
        ObjectNode body = JSON.createObjectNode();
        body.put("name", plan.name());
        body.put("kind", "friend");
        body.set("staffUserIds", JSON.valueToTree(scenario.staff()));
        body.put("target", plan.target());
        body.put("startAt", plan.startAt().toString());
        body.put("endAt", plan.endAt().toString());
        body.put("holdSeconds", plan.holdSeconds());
        body.put("onlyNewCustomers", true);
        body.put("rewardDescription", "邀请" + plan.target() + "位新朋友，领取会员礼包");
        StackClient.Reply r = client.admin("POST", "/admin/referral/campaigns", body);
        check(r, "POST /admin/referral/campaigns");
        campaignId = r.json().path("campaignId").asText();
        Map<String, String> states = new LinkedHashMap<>();
        for (String inviter : plan.inviters()) {
            StackClient.Reply code = client.admin("PUT", "/admin/referral/campaigns/" + campaignId + "/inviters/" + inviter + "/code", null);
            check(code, "issuing a referral code");
            states.put(inviter, code.json().path("state").asText());
        }
        scenario = scenario.withReferralStates(states);
        progress.printf(Locale.ROOT, "      campaign %s  %s  target %d, hold %d days; %d inviters: %s%n", campaignId, plan.name(),
                plan.target(), plan.holdSeconds() / 86_400, states.size(), states.values());
    }

    /**
     * A broadcast from every staff member of the scenario to their customers at the stack's next
     * local minute (at least 10 s ahead). The planner plans whole minutes up to its tick's time, so
     * the step's minute is planned by the first tick in or after it: step 8 waits for that minute
     * and fires the planner (a timer tick in that minute, with automatic schedules, plans the same
     * run: a minute planned twice creates nothing twice). Created after the callbacks have
     * settled, so the audience is the relationships as they end.
     */
    private void sop() {
        begin("an SOP (群发SOP) through the admin API");
        if (skipped("POST /admin/sops")) {
            return;
        }
        ZonedDateTime now = client.serverTime().atZone(CORP_ZONE);
        ZonedDateTime at = now.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        if (Duration.between(now, at).toSeconds() < 10) {
            at = at.plusMinutes(1);
        }
        // WeCom only creates a task; each sender confirms it in the WeCom client, and many never do. Two
        // of the four do it by hand here (the stub confirms for the others), and every fifth customer got
        // a member's own mass message (个人群发) today, so WeCom skips this one for them (status 3).
        confirmingByHand = List.of(scenario.staff().get(1), scenario.staff().get(2));
        for (String userId : confirmingByHand) {
            check(client.put("/_local/wecom/users/" + userId + "/confirm-mode", "{\"automatic\":false}"), "confirm mode");
        }
        for (int i = 0; i < scenario.customers().size(); i += 5) {
            check(client.post("/_local/wecom/received-today/" + scenario.customers().get(i).externalUserId(), "application/json", "",
                    true), "received today");
        }
        sopText = "周末会员日：全场满300减50（演示 " + scenario.runId() + "）";
        sopLink = "https://mall.example.com/member-day?run=" + scenario.runId();
        ObjectNode body = JSON.createObjectNode();
        body.put("name", "会员日提醒 " + scenario.runId());
        body.put("kind", "BROADCAST");
        body.putObject("audience").set("senders", JSON.valueToTree(scenario.staff()));
        ObjectNode stepNode = body.putArray("steps").addObject();
        stepNode.put("stepId", "member-day");
        stepNode.put("chatType", "single");
        stepNode.putObject("schedule").put("at", at.toLocalDateTime().format(LOCAL_MINUTE));
        // The link is replaced, per sender, by a tracked short link when the step is planned (docs/sop.md, "Tracked links").
        stepNode.putObject("content").put("text", sopText + " 活动详情 " + sopLink);
        StackClient.Reply r = client.admin("POST", "/admin/sops", body);
        check(r, "POST /admin/sops");
        sopId = r.json().path("sopId").asText();
        sopStepId = r.json().path("steps").path(0).path("stepId").asText();
        sopAt = at.toInstant();
        progress.printf(Locale.ROOT, "      SOP %s, step %s at %s (Asia/Shanghai), from %s%n", sopId, sopStepId,
                at.toLocalDateTime().format(LOCAL_MINUTE), scenario.staff());
    }

    /**
     * Sets the RFM thresholds, then sends the mall's orders signed with the local order source's
     * key: the back-fill, the later refunds, and the back-fill once more (WeCom is not the only
     * system that retries: every replayed order must be ignored). Then waits for the orders
     * stream and RFM to finish.
     */
    private void ordersAndRfm() {
        begin("RFM thresholds, and orders signed as the mall (POST /orders/batch)");
        if (skipped("POST /orders/batch")) {
            return;
        }
        if (has("PUT /admin/rfm/thresholds")) {
            RfmThresholds t = Expectations.RFM_THRESHOLDS;
            ObjectNode body = JSON.createObjectNode();
            body.set("recencyDays", JSON.valueToTree(t.recencyDays()));
            body.set("frequencyOrders", JSON.valueToTree(t.frequencyOrders()));
            body.set("monetaryFen", JSON.valueToTree(t.monetaryFen()));
            body.put("highScoreFrom", t.highScoreFrom());
            body.put("newCustomerDays", t.newCustomerDays());
            check(client.admin("PUT", "/admin/rfm/thresholds", body), "PUT /admin/rfm/thresholds");
        }
        distributionBefore = has("GET /admin/rfm/distribution") ? distribution() : null;
        List<OrderVersion> backFill = scenario.orders().stream().filter(o -> o.batch() == 0).toList();
        List<OrderVersion> changes = scenario.orders().stream().filter(o -> o.batch() == 1).toList();
        sendOrders(backFill);
        sendOrders(changes);
        sendOrders(backFill);
        progress.printf(Locale.ROOT, "      %d orders, %d later refunds, the %d again: %s%n", backFill.size(), changes.size(),
                backFill.size(), orderResults);
        settle();
    }

    private void sendOrders(List<OrderVersion> orders) {
        for (int from = 0; from < orders.size(); from += ORDER_BATCH) {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode list = body.putArray("orders");
            orders.subList(from, Math.min(from + ORDER_BATCH, orders.size())).forEach(o -> list.add(orderJson(o)));
            StackClient.Reply r = client.orders("/orders/batch", body.toString());
            check(r, "POST /orders/batch");
            r.json().path("results").forEach(x -> orderResults.merge(x.path("result").asText(), 1, Integer::sum));
        }
    }

    private static ObjectNode orderJson(OrderVersion o) {
        ObjectNode n = JSON.createObjectNode();
        n.put("order_id", o.orderId());
        n.put("external_userid", o.externalUserId());
        n.put("amount_fen", o.amountFen());
        if (o.refundedFen() > 0) {
            n.put("refunded_fen", o.refundedFen());
        }
        n.put("currency", "CNY");
        n.put("status", o.status());
        if (o.paidAt() != null) {
            n.put("paid_at", mallTime(o.paidAt()));
        }
        n.put("updated_at", mallTime(o.updatedAt()));
        return n;
    }

    /** The mall writes China Standard Time with its offset, as docs/orders.md's example does. */
    private static String mallTime(Instant t) {
        return t.atOffset(ZoneOffset.ofHours(8)).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    private JsonNode distribution() {
        StackClient.Reply r = client.admin("GET", "/admin/rfm/distribution", null);
        check(r, "GET /admin/rfm/distribution");
        return r.json();
    }

    private void schedules() {
        begin("fire every schedule once");
        if (sopAt != null) {
            long wait = Math.max(0, Duration.between(client.serverTime(), sopAt).toSeconds());
            progress.printf(Locale.ROOT, "      waiting %d s for the SOP's minute on the stack's clock ...%n", wait);
            while (client.serverTime().isBefore(sopAt)) {
                pause(Duration.ofMillis(500));
            }
        }
        JsonNode schedules = client.stack().path("schedules");
        if (schedules.isEmpty()) {
            progress.println("      the template has no schedules yet");
        }
        for (JsonNode s : schedules) {
            if (isDeliverySync(s)) {
                continue; // fired after the staff confirmations (step 9), so it reads every task once, at its first check
            }
            StackClient.Reply r = client.fireSchedule(s.path("id").asText());
            progress.printf(Locale.ROOT, "      %s -> %d%n", s.path("id").asText(), r.status());
        }
    }

    private static boolean isDeliverySync(JsonNode schedule) {
        return schedule.path("id").asText().startsWith("SopDeliverySyncFunction.");
    }

    /**
     * The first hand-confirming sender confirms the SOP's task in the WeCom client; the second never
     * does. Then the delivery sync reads what WeCom did with every task (confirmations, sends, the
     * daily-limit skips) and the step report can tell it.
     */
    private void staffConfirmations() {
        begin("staff confirm (or not) in the WeCom client, then the delivery sync reads what WeCom sent");
        if (sopId == null) {
            progress.println("      skipped: no SOP");
            return;
        }
        int confirmed = 0;
        for (JsonNode m : sopMessages()) {
            for (JsonNode task : m.path("task_list")) {
                String userId = task.path("userid").asText();
                if (userId.equals(confirmingByHand.get(0)) && task.path("status").asInt() == 0) {
                    check(client.post("/_local/wecom/messages/" + m.path("msgid").asText() + "/confirm/" + userId, "application/json", "",
                            true), "confirm");
                    confirmed++;
                }
            }
        }
        progress.printf(Locale.ROOT, "      %s confirmed %d task(s); %s confirms none%n", confirmingByHand.get(0), confirmed,
                confirmingByHand.get(1));
        openTheLink();
        for (JsonNode schedule : client.stack().path("schedules")) {
            if (isDeliverySync(schedule)) {
                StackClient.Reply r = client.fireSchedule(schedule.path("id").asText());
                progress.printf(Locale.ROOT, "      %s -> %d%n", schedule.path("id").asText(), r.status());
            }
        }
        settle();
    }

    private static final Pattern SHORT_LINK = Pattern.compile("https?://[^\\s/]+(/l/[0-9A-Za-z]+)");
    private static final String WECHAT_BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800322c) NetType/WIFI Language/zh_CN wxwork/4.1.28";

    /**
     * Customers open the SOP's link as WeCom delivered it (each sender's message carries its own
     * short link): three of them in the WeCom browser, the first twice (one cookie: one visitor), a
     * link-preview fetcher once (counted apart), and a hostile code that must answer 404. Each
     * redirect must lead to the SOP's own URL.
     */
    private void openTheLink() {
        if (!has("GET /l/{code}")) {
            progress.println("      the template has no GET /l/{code}: links are not tracked");
            return;
        }
        List<String> paths = new ArrayList<>();
        for (JsonNode m : sopMessages()) {
            Matcher link = SHORT_LINK.matcher(m.path("request").path("text").path("content").asText());
            if (link.find()) {
                paths.add(link.group(1));
            }
        }
        if (paths.isEmpty()) {
            linkVisits = "the SOP's text reached WeCom without a short link (LINKS_BASE_URL empty?)";
            progress.println("      " + linkVisits);
            return;
        }
        String path = paths.get(0);
        int redirectsRight = 0;
        String cookie = null;
        for (int visit = 0; visit < 4; visit++) {
            // visits 0 and 1: the same customer (the cookie the first visit set); 2 and 3: two others, new cookies
            StackClient.Visit v = client.visit(path, WECHAT_BROWSER, visit == 1 ? cookie : null);
            if (visit == 0 && v.setCookie() != null) {
                cookie = v.setCookie().split(";", 2)[0];
            }
            redirectsRight += v.status() == 302 && sopLink.equals(v.location()) ? 1 : 0;
        }
        StackClient.Visit preview = client.visit(path, "TelegramBot (like TwitterBot)", null);
        redirectsRight += preview.status() == 302 && sopLink.equals(preview.location()) ? 1 : 0;
        StackClient.Visit hostile = client.visit("/l/..%2F..%2Fadmin", WECHAT_BROWSER, null);
        clicksExpected = 4;
        visitorsExpected = 3;
        botClicksExpected = 1;
        linkVisits = String.format(Locale.ROOT, "%d short links (one per sender); %s: %d of 5 visits redirected to %s; a hostile code answered %d",
                paths.size(), path, redirectsRight, sopLink, hostile.status());
        report.compare("sop links", "redirects to the SOP's URL", 5, redirectsRight);
        report.compare("sop links", "hostile code answers 404", 404, hostile.status());
        progress.println("      " + linkVisits);
    }

    /** The stub's mass messages that carry this run's SOP text. */
    private List<JsonNode> sopMessages() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode m : client.get("/_local/wecom/messages", true).json().path("messages")) {
            if (m.path("request").path("text").path("content").asText().startsWith(sopText)) {
                out.add(m);
            }
        }
        return out;
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
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
        Set<String> types = new TreeSet<>(expected.busEvents().keySet());
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
            String id = e.getKey().startsWith("_") ? e.getKey() : channelIds.getOrDefault(e.getKey(), e.getKey());
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

    private void reportReferral() {
        if (campaignId == null) {
            report.section("Referral", List.of("needs POST /admin/referral/campaigns"));
            return;
        }
        StackClient.Reply board = client.admin("GET", "/admin/referral/campaigns/" + campaignId + "/leaderboard?limit=1000", null);
        check(board, "leaderboard");
        Map<String, JsonNode> byInviter = new LinkedHashMap<>();
        board.json().path("inviters").forEach(i -> byInviter.put(i.path("inviterExternalUserId").asText(), i));
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-36s %9s %9s %9s %9s", "inviter", "count", "peak", "credited", "lost"));
        for (Map.Entry<String, Expectations.Inviter> e : expected.inviters().entrySet()) {
            JsonNode a = byInviter.getOrDefault(e.getKey(), JSON.createObjectNode());
            Expectations.Inviter x = e.getValue();
            String who = e.getKey();
            lines.add(String.format(Locale.ROOT, "%-36s %9s %9s %9s %9s", who,
                    report.compare("referral", who + " count", x.count(), a.path("count").asLong()),
                    report.compare("referral", who + " peak", x.peak(), a.path("peak").asLong()),
                    report.compare("referral", who + " credited", x.credited(), a.path("credited").asLong()),
                    report.compare("referral", who + " lost", x.lost(), a.path("lost").asLong())));
        }
        // The k-factor's days: the campaign's first day to the later of today and the scenario's last day.
        LocalDate today = client.serverTime().atZone(CORP_ZONE).toLocalDate();
        LocalDate to = today.isAfter(expected.lastDay()) ? today : expected.lastDay();
        StackClient.Reply k = client.admin("GET", "/admin/referral/campaigns/" + campaignId + "/k-factor?from="
                + scenario.referral().startAt().atZone(CORP_ZONE).toLocalDate() + "&to=" + to, null);
        check(k, "k-factor");
        JsonNode days = k.json().path("days");
        JsonNode last = days.isEmpty() ? JSON.createObjectNode() : days.get(days.size() - 1);
        double kExpected = expected.participants() == 0 ? 0 : (double) expected.inviteesCredited() / expected.participants();
        lines.add(String.format(Locale.ROOT, "k-factor %s = new customers %s / participants %s; net %s",
                report.compare("referral", "k-factor x1000", Math.round(kExpected * 1000), Math.round(last.path("kFactor").asDouble() * 1000)),
                report.compare("referral", "new customers", expected.inviteesCredited(), last.path("newCustomersTotal").asLong()),
                report.compare("referral", "participants", expected.participants(), last.path("participants").asLong()),
                report.compare("referral", "net", expected.inviteesCounting(), last.path("netTotal").asLong())));
        // The sweep (fired in step 8) records a hold for each inviter at the target now; held for a week, none completes.
        StackClient.Reply holds = client.admin("GET", "/admin/referral/campaigns/" + campaignId + "/holds", null);
        check(holds, "holds");
        long atTarget = expected.inviters().values().stream().filter(i -> i.count() >= scenario.referral().target()).count();
        lines.add("inviters holding the target (GET .../holds) " + report.compare("referral", "pending holds", atTarget,
                holds.json().path("holds").size()));
        report.section("Referral leaderboard and k-factor (campaign " + campaignId + ", target " + scenario.referral().target()
                + " held " + scenario.referral().holdSeconds() / 86_400 + " days: no completion during the demo)", lines);
    }

    private void reportSop() {
        if (sopId == null) {
            report.section("SOP sends", List.of("needs POST /admin/sops"));
            return;
        }
        StackClient.Reply r = client.admin("GET", "/admin/sops/" + sopId + "/steps/" + sopStepId + "/report", null);
        check(r, "SOP step report");
        JsonNode totals = r.json().path("totals");
        Expectations.Sop x = expected.sop();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "runs %s; planned %s, sent (tasks created) %s, failed %s, refused by WeCom %s",
                report.compare("sop", "runs", 1, r.json().path("runCount").asLong()),
                report.compare("sop", "planned", x.planned(), totals.path("planned").asLong()),
                report.compare("sop", "sent", x.planned(), totals.path("sent").asLong()),
                report.compare("sop", "failed", 0, totals.path("failed").asLong()),
                report.compare("sop", "skippedRefused", 0, totals.path("skippedRefused").asLong())));
        lines.add(String.format(Locale.ROOT, "skipped: no longer a contact %s, not confirmed %s, day already taken %s",
                report.compare("sop", "skippedLost", x.skippedLost(), totals.path("skippedLost").asLong()),
                report.compare("sop", "skippedPending", x.skippedPending(), totals.path("skippedPending").asLong()),
                report.compare("sop", "skippedDailyLimitPlanned", x.skippedDailyLimitPlanned(),
                        totals.path("skippedDailyLimitPlanned").asLong())));
        // What WeCom (the stub) received for this SOP's text: one add_msg_template per sender with customers,
        // and what it did with each: the truth the delivery funnel must tell.
        int tasks = 0;
        int recipients = 0;
        long confirmed = 0;
        long sent = 0;
        long skippedDailyLimit = 0;
        long notFriend = 0;
        Set<String> waiting = new TreeSet<>();
        for (JsonNode m : sopMessages()) {
            tasks++;
            int size = m.path("request").path("external_userid").size();
            recipients += size;
            boolean confirmedTask = false;
            for (JsonNode task : m.path("task_list")) {
                if (task.path("status").asInt() != 0) {
                    confirmedTask = true;
                } else {
                    waiting.add(task.path("userid").asText());
                }
            }
            if (confirmedTask) {
                confirmed += size;
            }
            for (JsonNode row : m.path("send_list")) {
                switch (row.path("status").asInt()) {
                    case 1 -> sent++;
                    case 2 -> notFriend++;
                    case 3 -> skippedDailyLimit++;
                    default -> { }
                }
            }
        }
        // One call per dispatch planned. Which of two senders reaches a customer both have is first come, so the
        // number of senders with a task is compared with the run's dispatches (at most x.tasks()).
        JsonNode run = r.json().path("runs").path(0);
        lines.add(String.format(Locale.ROOT, "WeCom add_msg_template calls %s (at most %d) with %s customers",
                report.compare("sop", "WeCom tasks", run.path("dispatches").asLong(), tasks), x.tasks(),
                report.compare("sop", "WeCom recipients", x.planned(), recipients)));
        JsonNode delivery = r.json().path("delivery");
        lines.add(String.format(Locale.ROOT, "delivery funnel: task created %s -> confirmed by staff %s -> sent %s, skipped (daily limit) %s, "
                        + "not a friend %s; awaiting confirmation %s",
                report.compare("sop delivery", "taskCreated", recipients, delivery.path("taskCreated").asLong()),
                report.compare("sop delivery", "confirmed", confirmed, delivery.path("confirmed").asLong()),
                report.compare("sop delivery", "sent", sent, delivery.path("sent").asLong()),
                report.compare("sop delivery", "skippedDailyLimit", skippedDailyLimit, delivery.path("skippedDailyLimit").asLong()),
                report.compare("sop delivery", "notFriend", notFriend, delivery.path("notFriend").asLong()),
                report.compare("sop delivery", "awaiting", recipients - confirmed, delivery.path("awaiting").asLong())));
        Set<String> reportedWaiting = new TreeSet<>();
        r.json().path("runs").forEach(each -> each.path("unconfirmedSenders").forEach(u -> {
            if (u.path("state").asText().equals("WAITING")) {
                reportedWaiting.add(u.path("sender").asText());
            }
        }));
        lines.add("senders who have not confirmed: " + report.compare("sop delivery", "unconfirmed senders", waiting.size(),
                reportedWaiting.size()) + " " + reportedWaiting);
        if (!linkVisits.isEmpty()) {
            JsonNode links = r.json().path("links");
            lines.add(linkVisits);
            lines.add(String.format(Locale.ROOT, "link clicks %s, unique visitors %s, link-preview and bot requests %s",
                    report.compare("sop links", "clicks", clicksExpected, links.path("clicks").asLong()),
                    report.compare("sop links", "uniqueVisitors", visitorsExpected, links.path("uniqueVisitors").asLong()),
                    report.compare("sop links", "botClicks", botClicksExpected, links.path("botClicks").asLong())));
        }
        report.section("SOP sends (GET /admin/sops/" + sopId + "/steps/" + sopStepId + "/report, and the stub's mass messages)", lines);
    }

    private void reportOrdersAndRfm() {
        if (distributionBefore == null) {
            report.section("Orders and RFM", List.of("needs POST /orders/batch and GET /admin/rfm/distribution"));
            return;
        }
        Expectations.Orders o = expected.orders();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "orders created %s, replaced %s, ignored (replayed) %s",
                report.compare("orders", "created", o.created(), orderResults.getOrDefault("created", 0)),
                report.compare("orders", "replaced", o.replaced(), orderResults.getOrDefault("replaced", 0)),
                report.compare("orders", "ignored", o.ignored(), orderResults.getOrDefault("ignored", 0))));
        JsonNode after = distribution();
        Expectations.Rfm x = expected.rfm();
        lines.add("customers with a paid order " + report.compare("rfm", "customers", x.customers(),
                after.path("customers").asLong() - distributionBefore.path("customers").asLong()));
        for (Segment s : Segment.values()) {
            lines.add(String.format(Locale.ROOT, "  %-18s %-8s %s", s.name(), s.label(), report.compare("rfm", s.name(),
                    x.segments().get(s), count(after, "segments", s.name()) - count(distributionBefore, "segments", s.name()))));
        }
        for (LifecycleStage s : LifecycleStage.values()) {
            lines.add(String.format(Locale.ROOT, "  %-18s %-8s %s", s.name(), s.label(), report.compare("rfm", s.name(),
                    x.stages().get(s), count(after, "stages", s.name()) - count(distributionBefore, "stages", s.name()))));
        }
        report.section("Orders, and customers per RFM segment and lifecycle stage (GET /admin/rfm/distribution, added by this run)",
                lines);
    }

    private static long count(JsonNode distribution, String field, String name) {
        for (JsonNode c : distribution.path(field)) {
            if (c.path("name").asText().equals(name)) {
                return c.path("customers").asLong();
            }
        }
        return 0;
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

    /** Every DynamoDB call the demo caused was one the function's policies in template.yaml allow. */
    private void reportPermissions() {
        JsonNode stack = client.stack();
        List<String> lines = new ArrayList<>();
        lines.add("calls refused " + report.compare("permissions", "DynamoDB calls refused by IAM", 0, accessDenied(stack) - accessDeniedBefore));
        for (JsonNode f : stack.path("functions")) {
            if (f.path("accessDenied").asLong() > 0) {
                lines.add(String.format(Locale.ROOT, "%-28s %d refused: see the stack's log for the action", f.path("name").asText(),
                        f.path("accessDenied").asLong()));
            }
        }
        report.section("Permissions (each function's DynamoDB calls against its policies in template.yaml)", lines);
    }
}
