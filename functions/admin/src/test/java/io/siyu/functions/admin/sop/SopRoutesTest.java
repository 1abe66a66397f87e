package io.siyu.functions.admin.sop;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.siyu.core.sop.Audience;
import io.siyu.core.sop.Chain;
import io.siyu.core.sop.ChainCommit;
import io.siyu.core.sop.ChainSource;
import io.siyu.core.sop.ChatType;
import io.siyu.core.sop.Content;
import io.siyu.core.sop.DeliveryStore;
import io.siyu.core.sop.RecipientStatus;
import io.siyu.core.sop.Run;
import io.siyu.core.sop.RunCounters;
import io.siyu.core.sop.RunId;
import io.siyu.core.sop.SopKind;
import io.siyu.dynamodb.DynamoDbDeliveryStore;
import io.siyu.dynamodb.DynamoDbPlanningStore;
import io.siyu.emulators.LambdaContext;
import io.siyu.functions.admin.AdminHandlers;
import io.siyu.lambda.Env;
import io.siyu.functions.admin.SopTasks;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import io.siyu.testing.HttpApiEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The SOP routes through the admin handler as deployed, on the emulated SOP table. */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class SopRoutesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BROADCAST = """
            {"name": "Friday VIP", "kind": "BROADCAST",
             "audience": {"senders": ["zhangsan", "lisi"], "tags": {"any": ["etVIP"], "none": ["etBlock"]},
                          "channelIds": ["k3v9x2pq"], "addedBetween": {"from": "2026-01-01", "to": "2026-12-31"}},
             "steps": [
               {"stepId": "launch", "schedule": {"at": "2099-03-06T18:00"},
                "content": {"text": "春季新品上市", "attachments": [
                   {"type": "image", "picUrl": "https://wework.qpic.cn/p.png"},
                   {"type": "link", "title": "新品", "url": "https://example.com/new", "desc": "看看"},
                   {"type": "miniprogram", "title": "商城", "picMediaId": "MEDIA", "appId": "wx8bd80126147dfAAA", "page": "/index"}]}},
               {"schedule": {"cron": "0 18 * * FRI"}, "content": {"text": "周五福利"}}]}
            """;
    private static final String JOURNEY = """
            {"name": "Welcome journey", "kind": "JOURNEY",
             "steps": [{"stepId": "d0", "schedule": {"afterMinutes": 0}, "content": {"text": "欢迎"}},
                       {"stepId": "d3", "schedule": {"day": 3, "time": "20:00"}, "content": {"text": "小贴士"}}]}
            """;

    private AwsEmulators aws;
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        this.aws = aws;
        aws.reset();
        Env.use(aws.environmentOf("AdminFunction"));
        handler = AdminHandlers.deployed();
    }

    @AfterEach
    void restore() {
        Env.useProcessEnvironment();
    }

    private JsonNode call(String method, String path, String body, int expected) throws Exception {
        int q = path.indexOf('?');
        var request = HttpApiEvents.request(method, q < 0 ? path : path.substring(0, q));
        if (q >= 0) {
            Map<String, String> query = new HashMap<>();
            for (String pair : path.substring(q + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(kv[0], kv[1]);
            }
            request.query(query);
        }
        if (body != null) {
            request.body(body);
        }
        APIGatewayV2HTTPResponse r = handler.handleRequest(request.build(), new LambdaContext("admin", 20));
        assertThat(r.getStatusCode()).as(method + " " + path + ": " + r.getBody()).isEqualTo(expected);
        return r.getBody() == null || r.getBody().isEmpty() ? null : JSON.readTree(r.getBody());
    }

    @Test
    void aBroadcastIsCreatedReadListedChangedAndDeleted() throws Exception {
        JsonNode created = call("POST", "/admin/sops", BROADCAST, 201);
        String id = created.path("sopId").asText();
        assertThat(id).matches("[0-9a-z]{8}");
        assertThat(created.path("version").asLong()).isEqualTo(1);
        assertThat(created.path("timeZone").asText()).isEqualTo("Asia/Shanghai");
        assertThat(created.path("steps").get(0).path("content").path("attachments")).hasSize(3);
        assertThat(created.path("steps").get(1).path("stepId").asText()).as("assigned").isEqualTo("s1");
        assertThat(created.path("steps").get(1).path("chatType").asText()).isEqualTo("single");
        assertThat(created.path("audience").path("tags").path("any").get(0).asText()).isEqualTo("etVIP");

        assertThat(call("GET", "/admin/sops/" + id, null, 200)).isEqualTo(created);
        assertThat(call("GET", "/admin/sops", null, 200).path("items")).singleElement().isEqualTo(created);

        ObjectNode change = (ObjectNode) JSON.readTree(BROADCAST);
        change.put("name", "Friday VIP (paused)").put("status", "PAUSED").put("version", 1);
        JsonNode replaced = call("PUT", "/admin/sops/" + id, change.toString(), 200);
        assertThat(replaced.path("version").asLong()).isEqualTo(2);
        assertThat(replaced.path("status").asText()).isEqualTo("PAUSED");
        assertThat(replaced.path("createdAt")).isEqualTo(created.path("createdAt"));
        assertThat(call("PUT", "/admin/sops/" + id, change.toString(), 409).path("error").path("message").asText())
                .contains("version 1");

        call("DELETE", "/admin/sops/" + id, null, 204);
        call("DELETE", "/admin/sops/" + id, null, 404);
        call("GET", "/admin/sops/" + id, null, 404);
        call("PUT", "/admin/sops/" + id, BROADCAST, 404);
    }

    @Test
    void anSopCarriesAPriorityFromZeroToNine() throws Exception {
        JsonNode created = call("POST", "/admin/sops", BROADCAST, 201);
        assertThat(created.path("priority").asInt()).as("the default").isEqualTo(5);
        String id = created.path("sopId").asText();
        JsonNode changed = call("PUT", "/admin/sops/" + id, mutate(BROADCAST, "/priority=9"), 200);
        assertThat(changed.path("priority").asInt()).isEqualTo(9);
        assertThat(call("GET", "/admin/sops/" + id, null, 200).path("priority").asInt()).isEqualTo(9);
        assertThat(call("POST", "/admin/sops", mutate(BROADCAST, "/priority=0"), 201).path("priority").asInt()).isZero();
        for (String bad : List.of("10", "-1", "2.5", "\"5\"", "\"high\"", "true")) {
            assertThat(call("POST", "/admin/sops", mutate(BROADCAST, "/priority=" + bad), 400).path("error").path("fields").has("priority"))
                    .as("priority %s", bad).isTrue();
        }
    }

    @Test
    void theCapacityReportListsEveryDayOfTheRange() throws Exception {
        String sopTable = aws.stack().tableName("SopTable");
        var u = io.siyu.dynamodb.DynamoDbDailyClaims.dayUpdate(new io.siyu.core.sop.DayCounters(120, 3, 4, 7));
        aws.dynamoDb().updateItem(b -> b.tableName(sopTable)
                .key(io.siyu.dynamodb.DynamoDbDailyClaims.dayKey(AwsEmulators.CORP_ID, java.time.LocalDate.parse("2026-03-07")))
                .updateExpression(u.expression()).expressionAttributeNames(u.names()).expressionAttributeValues(u.values()));
        JsonNode report = call("GET", "/admin/sops/capacity?from=2026-03-06&to=2026-03-08", null, 200);
        assertThat(report.path("timeZone").asText()).isEqualTo("Asia/Shanghai");
        assertThat(report.path("days")).hasSize(3);
        assertThat(report.path("days").get(0).path("planned").asLong()).isZero();
        JsonNode day = report.path("days").get(1);
        assertThat(day.path("day").asText()).isEqualTo("2026-03-07");
        assertThat(day.path("planned").asLong()).isEqualTo(120);
        assertThat(day.path("deferredIn").asLong()).isEqualTo(3);
        assertThat(day.path("deferredOut").asLong()).isEqualTo(4);
        assertThat(day.path("skippedDailyLimitPlanned").asLong()).isEqualTo(7);
        assertThat(report.path("totals").path("planned").asLong()).isEqualTo(120);
        call("GET", "/admin/sops/capacity?from=2026-03-08&to=2026-03-06", null, 400);
        call("GET", "/admin/sops/capacity?from=2026-03-01&to=2026-09-01", null, 400);
        call("GET", "/admin/sops/capacity?from=yesterday&to=2026-03-06", null, 400);
        call("GET", "/admin/sops/capacity", null, 400);
    }

    @Test
    void aJourneyNeedsNoSenders() throws Exception {
        JsonNode created = call("POST", "/admin/sops", JOURNEY, 201);
        assertThat(created.path("steps").get(0).path("schedule").path("afterMinutes").asInt()).isZero();
        assertThat(created.path("steps").get(1).path("schedule").path("day").asInt()).isEqualTo(3);
        assertThat(created.path("steps").get(1).path("schedule").path("time").asText()).isEqualTo("20:00");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no name                  | /name                                        | name",
            "unknown kind             | /kind=ONCE                                   | kind",
            "no steps                 | /steps=[]                                    | steps",
            "no senders               | /audience/senders=[]                         | audience.senders",
            "bad sender id            | /audience/senders=[\"a b\"]                   | audience.senders",
            "two schedule forms       | /steps/0/schedule={\"at\":\"2099-03-06T18:00\",\"cron\":\"* * * * *\"} | steps[0].schedule",
            "a journey form           | /steps/0/schedule={\"afterMinutes\":5}      | steps[0].schedule",
            "a time in the past       | /steps/0/schedule={\"at\":\"2020-03-06T18:00\"} | steps[0].schedule.at",
            "seconds in the time      | /steps/0/schedule={\"at\":\"2099-03-06T18:00:30\"} | steps[0].schedule.at",
            "a bad cron               | /steps/1/schedule={\"cron\":\"61 * * * *\"}  | steps[1].schedule.cron",
            "no content               | /steps/0/content={}                          | steps[0].content",
            "text over 4000 bytes     | /steps/1/content={\"text\":\"TEXT4001\"}       | steps[1].content.text",
            "ten attachments          | /steps/1/content={\"text\":\"x\",\"attachments\":TEN} | steps[1].content.attachments",
            "unknown attachment       | /steps/1/content={\"attachments\":[{\"type\":\"video\",\"mediaId\":\"m\"}]} | steps[1].content.attachments[0].type",
            "image without source     | /steps/1/content={\"attachments\":[{\"type\":\"image\"}]} | steps[1].content.attachments[0]",
            "link without url         | /steps/1/content={\"attachments\":[{\"type\":\"link\",\"title\":\"t\"}]} | steps[1].content.attachments[0].url",
            "link to javascript       | /steps/1/content={\"attachments\":[{\"type\":\"link\",\"title\":\"t\",\"url\":\"javascript:alert(1)\"}]} | steps[1].content.attachments[0].url",
            "link to ftp              | /steps/1/content={\"attachments\":[{\"type\":\"link\",\"title\":\"t\",\"url\":\"ftp://example.com/f\"}]} | steps[1].content.attachments[0].url",
            "link without host        | /steps/1/content={\"attachments\":[{\"type\":\"link\",\"title\":\"t\",\"url\":\"https:///x\"}]} | steps[1].content.attachments[0].url",
            "link with a space        | /steps/1/content={\"attachments\":[{\"type\":\"link\",\"title\":\"t\",\"url\":\"https://a.cn/x y\"}]} | steps[1].content.attachments[0].url",
            "ftp URL in text          | /steps/1/content={\"text\":\"下载 ftp://files.example.com/a.zip\"} | steps[1].content.text",
            "javascript in text       | /steps/1/content={\"text\":\"点这里javascript:alert(1)\"} | steps[1].content.text",
            "field of another type    | /steps/1/content={\"attachments\":[{\"type\":\"image\",\"mediaId\":\"m\",\"url\":\"https://x.y\"}]} | steps[1].content.attachments[0].url",
            "mini program incomplete  | /steps/1/content={\"attachments\":[{\"type\":\"miniprogram\",\"title\":\"t\"}]} | steps[1].content.attachments[0].appId",
            "duplicate step ids       | /steps/1/stepId=launch                       | steps[1].stepId",
            "bad step id              | /steps/1/stepId=Launch!                      | steps[1].stepId",
            "group without chats      | /steps/1/chatType=group                      | audience.groupChats",
            "unknown chat type        | /steps/1/chatType=broadcast                  | steps[1].chatType",
            "added range backwards    | /audience/addedBetween={\"from\":\"2026-03-02\",\"to\":\"2026-03-01\"} | audience.addedBetween",
            "bad date                 | /audience/addedBetween={\"from\":\"March\"}   | audience.addedBetween.from",
            "unknown field            | /colour=red                                  | colour",
            "wrong type               | /steps/0/schedule={\"afterMinutes\":\"soon\"} | steps[0].schedule.afterMinutes",
            "version on create        | /version=1                                   | version",
    })
    void everyBadBroadcastIs400NamingTheFieldAndStoresNothing(String why, String change, String field) throws Exception {
        JsonNode error = call("POST", "/admin/sops", mutate(BROADCAST, change), 400).path("error");
        assertThat(error.path("fields").has(field)).as(why + ": " + error).isTrue();
        assertThat(call("GET", "/admin/sops", null, 200).path("items")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a broadcast form         | /steps/0/schedule={\"cron\":\"* * * * *\"}   | steps[0].schedule",
            "day without time         | /steps/1/schedule={\"day\":3}                 | steps[1].schedule.time",
            "negative day             | /steps/1/schedule={\"day\":-1,\"time\":\"20:00\"} | steps[1].schedule.day",
            "bad time                 | /steps/1/schedule={\"day\":1,\"time\":\"25:00\"} | steps[1].schedule.time",
            "offset over a year       | /steps/0/schedule={\"afterMinutes\":600000}  | steps[0].schedule.afterMinutes",
            "a journey to groups      | /steps/0/chatType=group                      | steps[0].chatType",
    })
    void everyBadJourneyIs400NamingTheField(String why, String change, String field) throws Exception {
        JsonNode error = call("POST", "/admin/sops", mutate(JOURNEY, change), 400).path("error");
        assertThat(error.path("fields").has(field)).as(why + ": " + error).isTrue();
        assertThat(call("GET", "/admin/sops", null, 200).path("items")).isEmpty();
    }

    @Test
    void rfmFiltersTakeTheRfmCapabilitysNamesAndRefuseOthers() throws Exception {
        JsonNode error = call("POST", "/admin/sops", mutate(JOURNEY, "/audience={\"rfmSegments\":[\"champions\"]}"), 400).path("error");
        assertThat(error.path("fields").path("audience.rfmSegments").asText()).contains("champions");
        assertThat(call("POST", "/admin/sops", mutate(JOURNEY, "/audience={\"lifecycleStages\":[\"lapsed\"]}"), 400)
                .path("error").path("fields").has("audience.lifecycleStages")).isTrue();
        assertThat(call("GET", "/admin/sops", null, 200).path("items")).isEmpty();

        JsonNode created = call("POST", "/admin/sops",
                mutate(JOURNEY, "/audience={\"rfmSegments\":[\"IMPORTANT_VALUE\"],\"lifecycleStages\":[\"MATURE\",\"DECLINING\"]}"), 201);
        assertThat(created.path("audience").path("rfmSegments")).extracting(JsonNode::asText).containsExactly("IMPORTANT_VALUE");
        assertThat(created.path("audience").path("lifecycleStages")).extracting(JsonNode::asText).containsExactly("DECLINING", "MATURE");
    }

    @Test
    void groupStepsNameTheirChatsPerSender() throws Exception {
        String body = mutate(mutate(BROADCAST, "/steps/1/chatType=group"),
                "/audience/groupChats=[{\"sender\":\"zhangsan\",\"chatIds\":[\"wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA\"]}]");
        JsonNode created = call("POST", "/admin/sops", body, 201);
        assertThat(created.path("steps").get(1).path("chatType").asText()).isEqualTo("group");
        assertThat(created.path("audience").path("groupChats").get(0).path("chatIds")).hasSize(1);
    }

    @Test
    void malformedIdsAndBodiesAreRefused() throws Exception {
        call("GET", "/admin/sops/NOT-AN-ID", null, 404);
        call("GET", "/admin/sops/" + "a".repeat(41), null, 404);
        call("POST", "/admin/sops", "{not json", 400);
        call("POST", "/admin/sops", "", 400);
        call("POST", "/admin/sops", "[]", 400);
        call("PATCH", "/admin/sops", BROADCAST, 405);
    }

    @Test
    void aLinkThatIsNotHttpIsRefusedWithAClearMessage() throws Exception {
        JsonNode error = call("POST", "/admin/sops", mutate(BROADCAST,
                "/steps/1/content={\"text\":\"see https://ok.example.com\",\"attachments\":[{\"type\":\"link\",\"title\":\"t\",\"url\":\"weixin://dl/business\"}]}"),
                400).path("error");

        assertThat(error.path("fields").path("steps[1].content.attachments[0].url").asText())
                .contains("http://").contains("https://");
        assertThat(error.path("fields").has("steps[1].content.text")).as("http(s) URLs in text are fine").isFalse();
        assertThat(call("GET", "/admin/sops", null, 200).path("items")).isEmpty();
    }

    @Test
    void theStepReportShowsItsTrackedLinksPerDayAndPerCode() throws Exception {
        String id = call("POST", "/admin/sops", BROADCAST, 201).path("sopId").asText();
        assertThat(call("GET", "/admin/sops/" + id + "/steps/launch/report", null, 200).path("links").path("clicks").asLong()).isZero();
        io.siyu.dynamodb.DynamoDbLinks links = new io.siyu.dynamodb.DynamoDbLinks(aws.dynamoDb(), aws.stack().tableName("LinksTable"),
                Clock.systemUTC());
        String url = "https://example.com/new";
        io.siyu.core.links.TrackedLink link = new io.siyu.core.links.TrackedLink(
                io.siyu.core.links.LinkCodes.code(AwsEmulators.CORP_ID, id, "launch", "zhangsan", url), url, AwsEmulators.CORP_ID, id,
                "launch", AwsEmulators.CORP_ID + "#" + id + "#launch#2099-03-06T18:00", "zhangsan");
        links.register(link);
        java.time.LocalDate day = java.time.LocalDate.of(2099, 3, 6);
        links.count(new io.siyu.core.links.LinkStore.Click(link, "r1", day, false, "v1", Instant.now()));
        links.count(new io.siyu.core.links.LinkStore.Click(link, "r2", day, false, "v1", Instant.now()));
        links.count(new io.siyu.core.links.LinkStore.Click(link, "r3", day.plusDays(1), false, "v2", Instant.now()));
        links.count(new io.siyu.core.links.LinkStore.Click(link, "r4", day, true, null, Instant.now()));

        JsonNode report = call("GET", "/admin/sops/" + id + "/steps/launch/report", null, 200).path("links");

        assertThat(report.path("clicks").asLong()).isEqualTo(3);
        assertThat(report.path("uniqueVisitors").asLong()).isEqualTo(2);
        assertThat(report.path("botClicks").asLong()).isEqualTo(1);
        assertThat(report.path("days")).hasSize(2);
        assertThat(report.path("days").get(0).toString())
                .isEqualTo("{\"day\":\"2099-03-06\",\"clicks\":2,\"uniqueVisitors\":1,\"botClicks\":1}");
        assertThat(report.path("codes")).singleElement().satisfies(c -> {
            assertThat(c.path("code").asText()).isEqualTo(link.code());
            assertThat(c.path("url").asText()).isEqualTo(url);
            assertThat(c.path("sender").asText()).isEqualTo("zhangsan");
            assertThat(c.path("clicks").asLong()).isEqualTo(3);
        });
    }

    @Test
    void theStepReportAddsUpItsRuns() throws Exception {
        String id = call("POST", "/admin/sops", BROADCAST, 201).path("sopId").asText();
        call("GET", "/admin/sops/" + id + "/steps/nope/report", null, 404);
        call("GET", "/admin/sops/nope/steps/launch/report", null, 404);
        JsonNode empty = call("GET", "/admin/sops/" + id + "/steps/launch/report", null, 200);
        assertThat(empty.path("runCount").asInt()).isZero();
        assertThat(empty.path("totals").path("planned").asLong()).isZero();

        DynamoDbPlanningStore planning = new DynamoDbPlanningStore(aws.dynamoDb(), aws.stack().tableName("SopTable"),
                aws.stack().tableName("SopDispatchTable"), Clock.systemUTC(), Duration.ofDays(30));
        run(planning, new RunId(AwsEmulators.CORP_ID, id, "s1", "2026-03-06T18:00"), new RunCounters(10, 7, 1, 2, 1, 1, 0, 1, 2, 2));
        run(planning, new RunId(AwsEmulators.CORP_ID, id, "s1", "2026-03-13T18:00"), new RunCounters(5, 0, 0, 0, 0, 0, 0, 0, 1, 0, 3, 2, 1));
        JsonNode report = call("GET", "/admin/sops/" + id + "/steps/s1/report?limit=1", null, 200);
        JsonNode totals = report.path("totals");
        assertThat(totals.path("planned").asLong()).isEqualTo(15);
        assertThat(totals.path("sent").asLong()).isEqualTo(7);
        assertThat(totals.path("failed").asLong()).isEqualTo(1);
        assertThat(totals.path("skipped").asLong()).isEqualTo(4 + 3);
        assertThat(totals.path("skippedLost").asLong()).isEqualTo(2);
        assertThat(totals.path("skippedDailyLimitPlanned").asLong()).isEqualTo(3);
        assertThat(totals.path("deferred").asLong()).isEqualTo(2);
        assertThat(totals.path("deferredWaiting").asLong()).isEqualTo(1);
        assertThat(totals.path("inFlight").asLong()).isEqualTo(6);
        assertThat(report.path("runCount").asInt()).isEqualTo(2);
        assertThat(report.path("runs")).hasSize(1);
        assertThat(report.path("runs").get(0).path("occurrence").asText()).isEqualTo("2026-03-13T18:00");
        assertThat(report.path("runs").get(0).path("state").asText()).isEqualTo("PLANNING");
        call("GET", "/admin/sops/" + id + "/steps/s1/report?limit=0", null, 400);
    }

    @Test
    void theStepReportShowsTheDeliveryFunnelAndWhoHasNotConfirmed() throws Exception {
        String id = call("POST", "/admin/sops", BROADCAST, 201).path("sopId").asText();
        RunId run = new RunId(AwsEmulators.CORP_ID, id, "launch", "2099-03-06T18:00");
        Map<String, String> tasks = tasks(run, Map.of("zhangsan", List.of("wmA", "wmB", "wmC"), "lisi", List.of("wmD", "wmE")));
        // zhangsan confirmed; WeCom sent to wmA and skipped wmB (daily limit); lisi has not confirmed.
        DynamoDbDeliveryStore deliveries = new DynamoDbDeliveryStore(aws.dynamoDb(), aws.stack().tableName("SopTable"),
                aws.stack().tableName("SopDispatchTable"));
        DeliveryStore.Task zhangsan = deliveries.task(tasks.get("zhangsan")).orElseThrow();
        assertThat(deliveries.confirmed(zhangsan, Instant.now())).isTrue();
        assertThat(deliveries.record(zhangsan, zhangsan.pages().get(0),
                Map.of("wmA", RecipientStatus.SENT, "wmB", RecipientStatus.SKIPPED_DAILY_LIMIT))).isTrue();

        JsonNode report = call("GET", "/admin/sops/" + id + "/steps/launch/report", null, 200);

        JsonNode delivery = report.path("delivery");
        assertThat(delivery.path("planned").asLong()).isEqualTo(5);
        assertThat(delivery.path("taskCreated").asLong()).isEqualTo(5);
        assertThat(delivery.path("confirmed").asLong()).isEqualTo(3);
        assertThat(delivery.path("sent").asLong()).isEqualTo(1);
        assertThat(delivery.path("skippedDailyLimit").asLong()).isEqualTo(1);
        assertThat(delivery.path("notFriend").asLong()).isZero();
        assertThat(delivery.path("unconfirmed").asLong()).isZero();
        assertThat(delivery.path("awaiting").asLong()).isEqualTo(3);
        assertThat(delivery.path("tasksConfirmed").asLong()).isEqualTo(1);
        JsonNode runView = report.path("runs").get(0);
        assertThat(runView.path("delivery")).isEqualTo(delivery);
        assertThat(runView.path("unconfirmedSenders")).hasSize(1);
        JsonNode lisi = runView.path("unconfirmedSenders").get(0);
        assertThat(lisi.path("sender").asText()).isEqualTo("lisi");
        assertThat(lisi.path("state").asText()).isEqualTo("WAITING");
        assertThat(lisi.path("tasks").asInt()).isEqualTo(1);
        assertThat(lisi.path("recipients").asLong()).isEqualTo(2);
    }

    @Test
    void cancellingAStepStopsTheTasksNotConfirmedAndTheReportShowsIt() throws Exception {
        var wecom = aws.wecomStub().ok("externalcontact/cancel_groupmsg_send");
        String id = call("POST", "/admin/sops", BROADCAST, 201).path("sopId").asText();
        call("POST", "/admin/sops/" + id + "/steps/nope/cancel", null, 404);
        call("POST", "/admin/sops/nope/steps/launch/cancel", null, 404);
        RunId run = new RunId(AwsEmulators.CORP_ID, id, "launch", "2099-03-06T18:00");
        Map<String, String> tasks = tasks(run, Map.of("zhangsan", List.of("wmA", "wmB", "wmC"), "lisi", List.of("wmD", "wmE")));
        DynamoDbDeliveryStore deliveries = new DynamoDbDeliveryStore(aws.dynamoDb(), aws.stack().tableName("SopTable"),
                aws.stack().tableName("SopDispatchTable"));
        assertThat(deliveries.confirmed(deliveries.task(tasks.get("zhangsan")).orElseThrow(), Instant.now())).isTrue();

        JsonNode cancelled = call("POST", "/admin/sops/" + id + "/steps/launch/cancel", null, 200);

        assertThat(cancelled.path("cancelled")).hasSize(1);
        assertThat(cancelled.path("cancelled").get(0).path("sender").asText()).isEqualTo("lisi");
        assertThat(cancelled.path("cancelled").get(0).path("recipients").asLong()).isEqualTo(2);
        assertThat(wecom.bodies("externalcontact/cancel_groupmsg_send")).extracting(b -> b.path("msgid").asText())
                .containsExactly("msg-lisi");
        JsonNode again = call("POST", "/admin/sops/" + id + "/steps/launch/cancel", null, 409);
        assertThat(again.path("error").path("message").asText()).contains("nothing to cancel");
        assertThat(wecom.calls("externalcontact/cancel_groupmsg_send")).isEqualTo(1);
        JsonNode report = call("GET", "/admin/sops/" + id + "/steps/launch/report", null, 200);
        assertThat(report.path("delivery").path("tasksCancelled").asLong()).isEqualTo(1);
        JsonNode lisi = report.path("runs").get(0).path("unconfirmedSenders").get(0);
        assertThat(lisi.path("sender").asText()).isEqualTo("lisi");
        assertThat(lisi.path("state").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void aStepWithoutTasksHasNothingToCancel() throws Exception {
        String id = call("POST", "/admin/sops", BROADCAST, 201).path("sopId").asText();
        JsonNode refused = call("POST", "/admin/sops/" + id + "/steps/launch/cancel", null, 409);
        assertThat(refused.path("error").path("message").asText()).contains("step launch").contains("nothing to cancel");
    }

    /** One task per sender of {@code run}, created at WeCom now, as the planner and the sender leave them; sender → dispatch key. */
    private Map<String, String> tasks(RunId run, Map<String, List<String>> recipients) {
        return SopTasks.created(aws, run, recipients);
    }

    private static void run(DynamoDbPlanningStore planning, RunId id, RunCounters counters) {
        planning.saveRun(new Run(id, SopKind.BROADCAST, ChatType.SINGLE, new Content("x", List.of()), Audience.of(List.of("u")), 1, null,
                RunCounters.ZERO));
        Chain chain = Chain.start(id, new ChainSource.Staff("u"));
        planning.createChain(chain);
        planning.commit(new ChainCommit(0, new Chain(chain.key(), id, chain.source(), 1, null, counters.chainsDone() > 0, chain.open(),
                List.of()), List.of(), List.of(), counters));
    }

    /** Applies {@code /json/pointer=value} (value JSON, or a bare string) to a request body; {@code /field} alone removes it. */
    private static String mutate(String body, String change) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(body);
        int eq = change.indexOf('=');
        String pointer = eq < 0 ? change : change.substring(0, eq);
        String parentPointer = pointer.substring(0, pointer.lastIndexOf('/'));
        String last = pointer.substring(pointer.lastIndexOf('/') + 1);
        JsonNode parent = parentPointer.isEmpty() ? root : root.at(parentPointer);
        if (parent.isMissingNode()) {
            ((ObjectNode) root.at(parentPointer.substring(0, parentPointer.lastIndexOf('/'))))
                    .putObject(parentPointer.substring(parentPointer.lastIndexOf('/') + 1));
            parent = root.at(parentPointer);
        }
        Consumer<JsonNode> set;
        if (eq < 0) {
            ((ObjectNode) parent).remove(last);
            return root.toString();
        }
        String raw = change.substring(eq + 1).replace("TEXT4001", "x".repeat(4001))
                .replace("TEN", "[" + String.join(",", java.util.Collections.nCopies(10, "{\"type\":\"image\",\"mediaId\":\"m\"}")) + "]");
        JsonNode value;
        try {
            value = JSON.readTree(raw);
        } catch (Exception notJson) {
            value = JSON.getNodeFactory().textNode(raw);
        }
        if (parent.isArray()) {
            ((com.fasterxml.jackson.databind.node.ArrayNode) parent).set(Integer.parseInt(last), value);
        } else {
            ((ObjectNode) parent).set(last, value);
        }
        return root.toString();
    }
}
