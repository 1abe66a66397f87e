package io.siyu.functions.admin.referral;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.core.referral.Campaign;
import io.siyu.core.referral.CampaignKind;
import io.siyu.core.referral.CampaignStatus;
import io.siyu.core.referral.Completion;
import io.siyu.core.referral.InviteeEntry;
import io.siyu.core.referral.InviteeUpdate;
import io.siyu.core.referral.InviterEvaluation;
import io.siyu.core.referral.ReferralCodes;
import io.siyu.dynamodb.DynamoDbReferralCampaigns;
import io.siyu.dynamodb.DynamoDbReferralProgress;
import io.siyu.emulators.LambdaContext;
import io.siyu.functions.admin.AdminHandlerAccess;
import io.siyu.lambda.Env;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import io.siyu.testing.Fixtures;
import io.siyu.testing.HttpApiEvents;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The referral admin routes as deployed: the admin handler built from the template's environment. */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class ReferralRoutesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CORP = AwsEmulators.CORP_ID;
    private static final String BASE = "/admin/referral/campaigns";
    /** Campaign dates well in the future: creation refuses campaigns that have ended. */
    private static final Instant START = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.DAYS);
    private static final Instant END = START.plus(Duration.ofDays(14));

    private AwsEmulators aws;
    private AdminHandlerAccess admin;
    private DynamoDbReferralCampaigns campaigns;
    private DynamoDbReferralProgress progress;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        this.aws = aws;
        aws.reset();
        Env.use(aws.environmentOf("AdminFunction"));
        admin = AdminHandlerAccess.fromEnvironment();
        campaigns = new DynamoDbReferralCampaigns(aws.dynamoDb(), aws.stack().tableName("ReferralCampaignsTable"));
        progress = new DynamoDbReferralProgress(aws.dynamoDb(), aws.stack().tableName("ReferralProgressTable"));
    }

    @AfterEach
    void restore() {
        Env.useProcessEnvironment();
    }

    private record Reply(int status, JsonNode body) {}

    private Reply call(String method, String pathAndQuery, String body) {
        String[] parts = pathAndQuery.split("\\?", 2);
        HttpApiEvents e = HttpApiEvents.request(method, parts[0]);
        if (parts.length > 1) {
            java.util.Map<String, String> query = new java.util.LinkedHashMap<>();
            for (String pair : parts[1].split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
            e.query(query);
        }
        if (body != null) {
            e.body(body);
        }
        APIGatewayV2HTTPResponse r = admin.handle(e.build(), new LambdaContext("admin", 20));
        try {
            return new Reply(r.getStatusCode(), r.getBody() == null || r.getBody().isEmpty() ? null : JSON.readTree(r.getBody()));
        } catch (Exception ex) {
            throw new IllegalStateException(r.getBody(), ex);
        }
    }

    private static String friendBody() {
        return "{\"name\":\"邀请3位好友送好礼\",\"kind\":\"friend\",\"staffUserIds\":[\"zhangsan\",\"lisi\"],\"target\":5,"
                + "\"tiers\":[3],\"startAt\":\"" + START + "\",\"endAt\":\"" + END + "\",\"holdSeconds\":86400,"
                + "\"rewardDescription\":\"a mug\"}";
    }

    private static String groupBody() {
        return "{\"name\":\"群裂变\",\"kind\":\"group\",\"chatIds\":[\"wrOgQhDgAAH2Yy-CTZ6POca8mlBEdaaa\",\"wrOgQhDgAALPUthpRAKvl7mgiQRwAAA\"],"
                + "\"target\":3,\"startAt\":\"" + START + "\",\"endAt\":\"" + END + "\",\"onlyNewCustomers\":false}";
    }

    @Test
    void aCampaignIsCreatedReadListedRenamedAndArchived() {
        Reply created = call("POST", BASE, friendBody());
        assertThat(created.status()).isEqualTo(201);
        JsonNode c = created.body();
        String id = c.path("campaignId").asText();
        assertThat(ReferralCodes.isCampaignId(id)).isTrue();
        assertThat(c.path("kind").asText()).isEqualTo("friend");
        assertThat(c.path("staffUserIds").toString()).isEqualTo("[\"zhangsan\",\"lisi\"]");
        assertThat(c.has("chatIds")).isFalse();
        assertThat(c.path("tiers").toString()).isEqualTo("[3,5]");
        assertThat(c.path("target").asInt()).isEqualTo(5);
        assertThat(c.path("holdSeconds").asLong()).isEqualTo(86400);
        assertThat(c.path("onlyNewCustomers").asBoolean()).isTrue();
        assertThat(c.path("status").asText()).isEqualTo("active");
        assertThat(c.path("startAt").asText()).isEqualTo(START.toString());

        assertThat(call("GET", BASE + "/" + id, null).body()).isEqualTo(c);
        assertThat(call("GET", BASE, null).body().path("campaigns")).singleElement().isEqualTo(c);

        Reply renamed = call("PATCH", BASE + "/" + id, "{\"name\":\"New name\",\"rewardDescription\":\"\"}");
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.body().path("name").asText()).isEqualTo("New name");
        assertThat(renamed.body().has("rewardDescription")).isFalse();

        assertThat(call("DELETE", BASE + "/" + id, null).status()).isEqualTo(204);
        assertThat(call("GET", BASE + "/" + id, null).body().path("status").asText()).isEqualTo("archived");
    }

    static Stream<Arguments> badCampaigns() {
        String ok = friendBody();
        return Stream.of(
                Arguments.of("no name", ok.replace("\"name\":\"邀请3位好友送好礼\",", ""), "name"),
                Arguments.of("a name too long", ok.replace("邀请3位好友送好礼", "x".repeat(65)), "name"),
                Arguments.of("an unknown kind", ok.replace("\"friend\"", "\"fan\""), "kind"),
                Arguments.of("no staff", ok.replace("[\"zhangsan\",\"lisi\"]", "[]"), "staffUserIds"),
                Arguments.of("a repeated staff member", ok.replace("\"lisi\"", "\"zhangsan\""), "staffUserIds"),
                Arguments.of("a staff id that is not an id", ok.replace("\"lisi\"", "\"li si\""), "staffUserIds"),
                Arguments.of("chats on a friend campaign", ok.replace("\"target\"", "\"chatIds\":[\"wr1\"],\"target\""), "chatIds"),
                Arguments.of("six chats on a group campaign", groupBody().replace("\"wrOgQhDgAALPUthpRAKvl7mgiQRwAAA\"",
                        "\"a\",\"b\",\"c\",\"d\",\"e\""), "chatIds"),
                Arguments.of("no target", ok.replace("\"target\":5,", ""), "target"),
                Arguments.of("a target of zero", ok.replace("\"target\":5", "\"target\":0"), "target"),
                Arguments.of("a tier above the target", ok.replace("[3]", "[6]"), "tiers"),
                Arguments.of("a repeated tier", ok.replace("[3]", "[3,3]"), "tiers"),
                Arguments.of("an end before the start", ok.replace("\"endAt\":\"" + END, "\"endAt\":\"" + START.minusSeconds(1)), "endAt"),
                Arguments.of("an end in the past", ok.replace(START.toString(), "2020-01-01T00:00:00Z")
                        .replace(END.toString(), "2020-01-02T00:00:00Z"), "endAt"),
                Arguments.of("a campaign over a year long", ok.replace(END.toString(), START.plus(Duration.ofDays(400)).toString()), "endAt"),
                Arguments.of("a date that is not a date", ok.replace(START.toString(), "tomorrow"), "startAt"),
                Arguments.of("a negative hold", ok.replace("86400", "-1"), "holdSeconds"),
                Arguments.of("a hold over 30 days", ok.replace("86400", "2592001"), "holdSeconds"),
                Arguments.of("an unknown field", ok.replace("\"target\"", "\"colour\":\"red\",\"target\""), "colour"),
                Arguments.of("a target that is not a number", ok.replace("\"target\":5", "\"target\":\"five\""), "target"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCampaigns")
    void aBadCampaignIsRefusedWithItsFieldAndNothingIsStored(String name, String body, String field) {
        assertThat(body).as("the spoiling applies").isNotEqualTo(friendBody());
        Reply r = call("POST", BASE, body);
        assertThat(r.status()).as(name).isEqualTo(400);
        assertThat(r.body().path("error").path("fields").has(field)).as("%s: %s", name, r.body()).isTrue();
        assertThat(campaigns.campaigns(CORP)).isEmpty();
    }

    @Test
    void aFriendCampaignCodeIsIssuedOnceInWeComAndReturnedAgainAfterwards() {
        aws.wecomStub().ok("externalcontact/add_contact_way", Fixtures.text("wecom/api/add_contact_way.json"));
        String id = call("POST", BASE, friendBody()).body().path("campaignId").asText();
        Reply first = call("PUT", BASE + "/" + id + "/inviters/wmInviterA/code", null);
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.body().path("state").asText()).isEqualTo(ReferralCodes.state(id, "wmInviterA", 0)).hasSize(22);
        assertThat(first.body().path("configId").asText()).isEqualTo("42b34949e138eb6e027c123cba77fAAA");
        assertThat(first.body().path("qrCode").asText()).startsWith("http://p.qpic.cn/");
        Reply again = call("PUT", BASE + "/" + id + "/inviters/wmInviterA/code", null);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(aws.wecomStub().calls("externalcontact/add_contact_way")).isEqualTo(1);
        JsonNode sent = aws.wecomStub().bodies("externalcontact/add_contact_way").get(0);
        assertThat(sent.path("type").asInt()).isEqualTo(2);
        assertThat(sent.path("scene").asInt()).isEqualTo(2);
        assertThat(sent.path("user").toString()).isEqualTo("[\"zhangsan\",\"lisi\"]");
        assertThat(sent.path("state").asText()).isEqualTo(first.body().path("state").asText());
        assertThat(sent.path("skip_verify").asBoolean()).isTrue();
        assertThat(call("GET", BASE + "/" + id, null).body().path("participants").asInt()).isEqualTo(1);
    }

    @Test
    void aGroupCampaignCodeIsAJoinWayWithoutAutoCreatedGroups() {
        aws.wecomStub().ok("externalcontact/groupchat/add_join_way", Fixtures.text("wecom/api/groupchat_add_join_way.json"));
        aws.wecomStub().ok("externalcontact/groupchat/get_join_way", Fixtures.text("wecom/api/groupchat_get_join_way.json"));
        String id = call("POST", BASE, groupBody()).body().path("campaignId").asText();
        Reply r = call("PUT", BASE + "/" + id + "/inviters/wmInviterA/code", null);
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.body().path("configId").asText()).isEqualTo("9ad7fa5cdaa6511298498f979c472aaa");
        assertThat(r.body().path("qrCode").asText()).startsWith("http://p.qpic.cn/wwhead/");
        JsonNode sent = aws.wecomStub().bodies("externalcontact/groupchat/add_join_way").get(0);
        assertThat(sent.path("auto_create_room").asInt()).isZero();
        assertThat(sent.path("scene").asInt()).isEqualTo(2);
        assertThat(sent.path("chat_id_list")).hasSize(2);
        assertThat(sent.path("state").asText()).isEqualTo(r.body().path("state").asText());
        assertThat(aws.wecomStub().bodies("externalcontact/groupchat/get_join_way").get(0).path("config_id").asText())
                .isEqualTo("9ad7fa5cdaa6511298498f979c472aaa");
    }

    @Test
    void concurrentRequestsForOneParticipantCreateOneWeComCode() throws Exception {
        aws.wecom().stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/cgi-bin/externalcontact/add_contact_way"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200).withFixedDelay(1500)
                        .withHeader("Content-Type", "application/json").withBody(Fixtures.text("wecom/api/add_contact_way.json"))));
        String id = call("POST", BASE, friendBody()).body().path("campaignId").asText();
        String path = BASE + "/" + id + "/inviters/wmInviterA/code";
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Reply>> replies = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                replies.add(pool.submit(() -> call("PUT", path, null)));
            }
            List<Integer> statuses = new java.util.ArrayList<>();
            for (var r : replies) {
                statuses.add(r.get().status());
            }
            assertThat(statuses).containsOnlyOnce(201).containsOnly(201, 409);
        } finally {
            pool.shutdownNow();
        }
        assertThat(aws.wecomStub().calls("externalcontact/add_contact_way")).isEqualTo(1);
        assertThat(call("PUT", path, null).status()).isEqualTo(200);
        assertThat(campaigns.campaign(CORP, id).orElseThrow().participants()).isEqualTo(1);
    }

    @Test
    void aWeComRefusalIs502AndLeavesNothingSoARetryCanIssueTheCode() {
        aws.wecomStub().error("externalcontact/add_contact_way", 41054, "user not active");
        String id = call("POST", BASE, friendBody()).body().path("campaignId").asText();
        Reply r = call("PUT", BASE + "/" + id + "/inviters/wmInviterA/code", null);
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.body().path("error").path("wecomErrcode").asInt()).isEqualTo(41054);
        assertThat(campaigns.code(CORP, ReferralCodes.state(id, "wmInviterA", 0))).isEmpty();
        assertThat(campaigns.campaign(CORP, id).orElseThrow().participants()).isZero();
        aws.wecomStub().ok("externalcontact/add_contact_way", Fixtures.text("wecom/api/add_contact_way.json"));
        assertThat(call("PUT", BASE + "/" + id + "/inviters/wmInviterA/code", null).status()).isEqualTo(201);
    }

    @Test
    void aJoinWayWhoseQrCodeCannotBeReadIsDeletedAgain() {
        aws.wecomStub().ok("externalcontact/groupchat/add_join_way", Fixtures.text("wecom/api/groupchat_add_join_way.json"));
        aws.wecomStub().error("externalcontact/groupchat/get_join_way", -1, "system busy");
        aws.wecomStub().ok("externalcontact/groupchat/del_join_way");
        String id = call("POST", BASE, groupBody()).body().path("campaignId").asText();
        assertThat(call("PUT", BASE + "/" + id + "/inviters/wmInviterA/code", null).status()).isEqualTo(502);
        assertThat(aws.wecomStub().bodies("externalcontact/groupchat/del_join_way")).singleElement()
                .satisfies(b -> assertThat(b.path("config_id").asText()).isEqualTo("9ad7fa5cdaa6511298498f979c472aaa"));
        assertThat(campaigns.code(CORP, ReferralCodes.state(id, "wmInviterA", 0))).isEmpty();
    }

    @Test
    void codesAreRefusedForMissingArchivedAndEndedCampaignsAndBadInviters() {
        aws.wecomStub().ok("externalcontact/add_contact_way", Fixtures.text("wecom/api/add_contact_way.json"));
        assertThat(call("PUT", BASE + "/k3v9x2pq/inviters/wmA/code", null).status()).isEqualTo(404);
        assertThat(call("PUT", BASE + "/..%2F..%2Fx/inviters/wmA/code", null).status()).isEqualTo(404);
        String id = call("POST", BASE, friendBody()).body().path("campaignId").asText();
        Reply bad = call("PUT", BASE + "/" + id + "/inviters/wm%20A/code", null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().path("error").path("fields").has("externalUserId")).isTrue();
        call("DELETE", BASE + "/" + id, null);
        assertThat(call("PUT", BASE + "/" + id + "/inviters/wmA/code", null).status()).isEqualTo(409);
        Instant past = Instant.parse("2026-01-01T00:00:00Z");
        campaigns.create(new Campaign(CORP, "e0000000", "old", CampaignKind.FRIEND, List.of("zhangsan"), List.of(1), past,
                past.plus(Duration.ofDays(1)), Duration.ZERO, true, null, CampaignStatus.ACTIVE, past, "op", 0));
        assertThat(call("PUT", BASE + "/e0000000/inviters/wmA/code", null).status()).isEqualTo(409);
        assertThat(aws.wecomStub().calls("externalcontact/add_contact_way")).isZero();
        assertThat(campaigns.code(CORP, ReferralCodes.state("e0000000", "wmA", 0))).isEmpty();
    }

    @Test
    void unknownCampaignsAre404OnEveryRoute() {
        for (String path : List.of("", "/leaderboard", "/totals", "/k-factor", "/holds", "/completions")) {
            assertThat(call("GET", BASE + "/k3v9x2pq" + path, null).status()).as(path).isEqualTo(404);
        }
        assertThat(call("PATCH", BASE + "/k3v9x2pq", "{\"name\":\"x\"}").status()).isEqualTo(404);
        assertThat(call("DELETE", BASE + "/k3v9x2pq", null).status()).isEqualTo(404);
    }

    /** A past campaign with counters and completions written as the referral functions write them. */
    private Campaign campaignWithProgress() {
        Instant start = Instant.parse("2026-11-01T00:00:00Z");
        Campaign c = new Campaign(CORP, "r0000000", "past", CampaignKind.FRIEND, List.of("s1"), List.of(1, 2), start,
                start.plus(Duration.ofDays(3)), Duration.ZERO, true, null, CampaignStatus.ACTIVE, start, "op", 0);
        campaigns.create(c);
        for (String p : List.of("wmA", "wmB", "wmC")) {
            String state = ReferralCodes.state(c.campaignId(), p, 0);
            campaigns.claimCode(CORP, c.campaignId(), p, state, "t", start, Duration.ofMinutes(1));
            campaigns.completeCode(CORP, c.campaignId(), p, state, "t", "cfg", null, start.plus(Duration.ofHours(p.equals("wmC") ? 30 : 1)));
        }
        enter(c, "x1", "wmA", start.plus(Duration.ofHours(2)));
        enter(c, "x2", "wmA", start.plus(Duration.ofHours(3)));
        enter(c, "x3", "wmB", start.plus(Duration.ofHours(4)));
        enter(c, "x4", "wmB", start.plus(Duration.ofHours(26)));
        exit(c, "x3", start.plus(Duration.ofHours(27)));
        exit(c, "x4", start.plus(Duration.ofHours(28)));
        progress.recordCompletion(new Completion(CORP, c.campaignId(), "wmA", 1, start.plus(Duration.ofHours(2)),
                start.plus(Duration.ofHours(2)), start.plus(Duration.ofHours(3)), null));
        progress.recordCompletion(new Completion(CORP, c.campaignId(), "wmA", 2, start.plus(Duration.ofHours(3)),
                start.plus(Duration.ofHours(3)), start.plus(Duration.ofHours(4)), null));
        long changes = progress.inviter(CORP, c.campaignId(), "wmB").orElseThrow().changes();
        progress.saveEvaluation(CORP, c.campaignId(), "wmB", changes, new InviterEvaluation(0, 2, List.of(),
                List.of(new InviterEvaluation.PendingHold(2, start.plus(Duration.ofHours(26)), start.plus(Duration.ofHours(50))))),
                start.plus(Duration.ofHours(29)), null);
        return c;
    }

    private void enter(Campaign c, String x, String inviter, Instant at) {
        progress.commit(CORP, c.campaignId(), InviteeUpdate.of(c, progress.invitee(CORP, c.campaignId(), x),
                new InviteeEntry(at, "e" + x, InviteeEntry.Kind.ENTER, "s1", inviter, false)), at);
    }

    private void exit(Campaign c, String x, Instant at) {
        progress.commit(CORP, c.campaignId(), InviteeUpdate.of(c, progress.invitee(CORP, c.campaignId(), x),
                new InviteeEntry(at, "x" + x, InviteeEntry.Kind.EXIT, "s1", null, false)), at);
    }

    @Test
    void reportsReadTheCountersAndCompletions() {
        Campaign c = campaignWithProgress();
        String base = BASE + "/" + c.campaignId();
        JsonNode board = call("GET", base + "/leaderboard", null).body().path("inviters");
        assertThat(board).hasSize(2);
        assertThat(board.get(0).toString()).isEqualTo(
                "{\"rank\":1,\"inviterExternalUserId\":\"wmA\",\"count\":2,\"peak\":2,\"credited\":2,\"lost\":0,\"completedTiers\":[1,2]}");
        assertThat(board.get(1).toString()).isEqualTo(
                "{\"rank\":2,\"inviterExternalUserId\":\"wmB\",\"count\":0,\"peak\":2,\"credited\":2,\"lost\":2,\"completedTiers\":[]}");
        assertThat(call("GET", base + "/leaderboard?limit=1", null).body().path("inviters")).hasSize(1);
        assertThat(call("GET", base + "/leaderboard?limit=0", null).status()).isEqualTo(400);

        assertThat(call("GET", base + "/totals", null).body().toString()).isEqualTo("{\"campaignId\":\"r0000000\","
                + "\"participants\":3,\"invitersWithCredits\":2,\"inviteesCredited\":4,\"inviteesLost\":2,\"net\":2,"
                + "\"rollbacks\":2,\"returns\":0,\"completions\":2}");

        JsonNode days = call("GET", base + "/k-factor", null).body().path("days");
        assertThat(days).as("local days 2026-11-01 to 2026-11-04 (the end is 08:00 in Shanghai)").hasSize(4);
        assertThat(days.get(0).toString()).isEqualTo("{\"day\":\"2026-11-01\",\"participantsJoined\":2,\"participants\":2,"
                + "\"newCustomers\":3,\"newCustomersTotal\":3,\"netTotal\":3,\"kFactor\":1.5}");
        assertThat(days.get(1).toString()).isEqualTo("{\"day\":\"2026-11-02\",\"participantsJoined\":1,\"participants\":3,"
                + "\"newCustomers\":1,\"newCustomersTotal\":4,\"netTotal\":2,\"kFactor\":1.3333}");
        assertThat(call("GET", base + "/k-factor?from=2026-11-02&to=2026-11-02", null).body().path("days")).singleElement()
                .satisfies(d -> assertThat(d.path("newCustomersTotal").asInt()).isEqualTo(4));
        assertThat(call("GET", base + "/k-factor?from=yesterday", null).status()).isEqualTo(400);
        assertThat(call("GET", base + "/k-factor?from=2026-11-03&to=2026-11-02", null).status()).isEqualTo(400);

        assertThat(call("GET", base + "/holds", null).body().path("holds").toString()).isEqualTo(
                "[{\"inviterExternalUserId\":\"wmB\",\"tier\":2,\"since\":\"2026-11-02T02:00:00Z\",\"until\":\"2026-11-03T02:00:00Z\",\"count\":0}]");
        JsonNode done = call("GET", base + "/completions", null).body().path("completions");
        assertThat(done).extracting(d -> d.path("tier").asInt()).containsExactly(1, 2);
        assertThat(done.get(0).path("published").asBoolean()).isFalse();
        assertThat(Set.of(done.get(0).path("eventId").asText())).containsExactly("referral-r0000000-wmA-1");
    }
}
