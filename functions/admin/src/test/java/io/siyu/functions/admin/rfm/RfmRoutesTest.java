package io.siyu.functions.admin.rfm;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.core.orders.CustomerRef;
import io.siyu.core.rfm.ContactFacts;
import io.siyu.core.rfm.RfmRepository.Change;
import io.siyu.core.rfm.RfmRules;
import io.siyu.core.rfm.RfmState;
import io.siyu.core.rfm.RfmThresholds;
import io.siyu.core.rfm.RfmTotals;
import io.siyu.core.rfm.RfmTransition;
import io.siyu.dynamodb.DynamoDbRfmRepository;
import io.siyu.dynamodb.RfmItems;
import io.siyu.emulators.LambdaContext;
import io.siyu.functions.admin.AdminHandler;
import io.siyu.lambda.Env;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import io.siyu.testing.HttpApiEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The RFM admin routes through the admin handler as the template configures it, over the emulated Rfm table. */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class RfmRoutesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CORP = AwsEmulators.CORP_ID;
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 23);
    private static final Instant NOW = Instant.parse("2026-11-23T02:00:00Z");

    private AwsEmulators aws;
    private DynamoDbRfmRepository rfm;
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        this.aws = aws;
        aws.reset();
        Env.use(aws.environmentOf("AdminFunction"));
        handler = new AdminHandler();
        rfm = new DynamoDbRfmRepository(aws.dynamoDb(), aws.stack().tableName("RfmTable"), null);
    }

    @AfterEach
    void restore() {
        Env.useProcessEnvironment();
    }

    private JsonNode call(HttpApiEvents request, int status) {
        APIGatewayV2HTTPResponse r = handler.handleRequest(request.build(), new LambdaContext("admin", 20));
        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(status);
        try {
            return r.getBody().isEmpty() ? null : JSON.readTree(r.getBody());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode get(String path, int status) {
        return call(HttpApiEvents.request("GET", path), status);
    }

    /** A customer moved through the given totals, as the rfm function would commit them. */
    private RfmState customer(CustomerRef c, RfmTotals... steps) {
        RfmState s = RfmState.empty(c);
        for (RfmTotals t : steps) {
            var profile = RfmRules.evaluate(t, ContactFacts.UNKNOWN, RfmThresholds.DEFAULTS, TODAY);
            var next = s.next(t, profile, TODAY, NOW, RfmTransition.Reason.ORDER).orElseThrow();
            rfm.commit(CORP, null, List.of(new Change(s, next.state(), next.transition())), NOW);
            s = next.state();
        }
        return s;
    }

    private static Instant paid(String day) {
        return LocalDate.parse(day).atTime(12, 0).atZone(RfmRules.ZONE).toInstant();
    }

    @Test
    void aCustomersRecordSaysWhereTheyStand() {
        customer(CustomerRef.externalUser("wmAlice"), new RfmTotals(1, 50_000, paid("2026-11-20")),
                new RfmTotals(3, 260_000, paid("2026-11-21")));
        JsonNode view = get("/admin/rfm/customers/wmAlice", 200);
        assertThat(view.path("externalUserId").asText()).isEqualTo("wmAlice");
        assertThat(view.path("paidOrders").asLong()).isEqualTo(3);
        assertThat(view.path("paidFen").asLong()).isEqualTo(260_000);
        assertThat(view.path("lastPaidAt").asText()).isEqualTo("2026-11-21T04:00:00Z");
        assertThat(view.path("recencyDays").asLong()).isEqualTo(2);
        assertThat(view.path("scores").path("frequency").asInt()).isEqualTo(3);
        assertThat(view.path("segment").asText()).isEqualTo("IMPORTANT_VALUE");
        assertThat(view.path("segmentLabel").asText()).isEqualTo("重要价值客户");
        assertThat(view.path("stage").asText()).isEqualTo("MATURE");
        assertThat(view.path("stageLabel").asText()).isEqualTo("成熟期");
        assertThat(view.path("scoredOn").asText()).isEqualTo("2026-11-23");
        assertThat(view.path("nextRescoreOn").asText()).isEqualTo("2026-12-22");
        assertThat(view.path("wecomTagsApplied").asBoolean()).isFalse();
    }

    @Test
    void aCustomerKnownOnlyByUnionIdIsAddressedWithThePrefix() {
        customer(CustomerRef.unionId("oUnion1"), new RfmTotals(1, 500, paid("2026-11-01")));
        JsonNode view = get("/admin/rfm/customers/unionid:oUnion1", 200);
        assertThat(view.path("unionId").asText()).isEqualTo("oUnion1");
        assertThat(view.has("externalUserId")).isFalse();
        get("/admin/rfm/customers/oUnion1", 404);
    }

    @Test
    void theHistoryIsPagedNewestFirst() {
        customer(CustomerRef.externalUser("wmAlice"),
                new RfmTotals(1, 500, paid("2026-11-20")),          // 一般发展, 成长期
                new RfmTotals(3, 500, paid("2026-11-20")),          // 一般价值, 成熟期
                new RfmTotals(3, 900_000, paid("2026-11-20")),      // 重要价值, 成熟期
                new RfmTotals(0, 0, null));                         // none
        JsonNode first = call(HttpApiEvents.request("GET", "/admin/rfm/customers/wmAlice/history").query(Map.of("limit", "2")), 200);
        assertThat(first.path("items")).extracting(i -> i.path("version").asLong()).containsExactly(4L, 3L);
        assertThat(first.path("items").get(0).has("toSegment")).isFalse();
        assertThat(first.path("items").get(0).path("fromSegment").asText()).isEqualTo("IMPORTANT_VALUE");
        long next = first.path("nextBefore").asLong();
        JsonNode second = call(HttpApiEvents.request("GET", "/admin/rfm/customers/wmAlice/history")
                .query(Map.of("limit", "2", "before", Long.toString(next))), 200);
        assertThat(second.path("items")).extracting(i -> i.path("toSegment").asText()).containsExactly("GENERAL_VALUE", "GENERAL_DEVELOP");
        assertThat(second.path("items").get(1).path("reason").asText()).isEqualTo("ORDER");
        assertThat(second.has("nextBefore")).isFalse();
    }

    @Test
    void theDistributionComesFromTheCounters() {
        customer(CustomerRef.externalUser("wmA"), new RfmTotals(1, 500, paid("2026-11-20")));
        customer(CustomerRef.externalUser("wmB"), new RfmTotals(1, 500, paid("2026-11-20")));
        customer(CustomerRef.externalUser("wmC"), new RfmTotals(1, 500, paid("2026-11-20")), new RfmTotals(4, 900_000, paid("2026-11-22")));
        customer(CustomerRef.externalUser("wmD"), new RfmTotals(1, 500, paid("2026-11-20")), new RfmTotals(0, 0, null));
        JsonNode d = get("/admin/rfm/distribution", 200);
        assertThat(d.path("customers").asLong()).isEqualTo(3);
        assertThat(d.path("segments")).hasSize(8);
        assertThat(count(d.path("segments"), "GENERAL_DEVELOP")).isEqualTo(2);
        assertThat(count(d.path("segments"), "IMPORTANT_VALUE")).isEqualTo(1);
        assertThat(count(d.path("stages"), "GROWING")).isEqualTo(2);
        assertThat(count(d.path("stages"), "MATURE")).isEqualTo(1);
        assertThat(d.path("segments").get(0).path("label").asText()).isEqualTo("重要价值客户");
        // Nothing but the counter items was read: the customers' records are not in the distribution partition.
        assertThat(aws.dynamoDb().query(b -> b.tableName(aws.stack().tableName("RfmTable"))
                .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk",
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(RfmItems.distributionPk(CORP)))))
                .items()).allSatisfy(i -> assertThat(i.get("sk").s()).matches("(SEG|STAGE)#[A-Z_]+#[0-7]"));
    }

    private static long count(JsonNode list, String name) {
        for (JsonNode c : list) {
            if (c.path("name").asText().equals(name)) {
                return c.path("customers").asLong();
            }
        }
        throw new AssertionError(name);
    }

    @Test
    void thresholdsAreTheDefaultsUntilPutThenWhatWasPut() {
        JsonNode defaults = get("/admin/rfm/thresholds", 200);
        assertThat(defaults.path("recencyDays").toString()).isEqualTo("[30,60,90,180]");
        assertThat(defaults.path("monetaryFen").toString()).isEqualTo("[10000,50000,100000,500000]");
        String body = "{\"recencyDays\":[7,14,30,60],\"frequencyOrders\":[2,4,8,16],\"monetaryFen\":[100,1000,10000,100000],"
                + "\"highScoreFrom\":4,\"newCustomerDays\":14}";
        assertThat(call(HttpApiEvents.request("PUT", "/admin/rfm/thresholds").body(body), 200).toString()).isEqualTo(body);
        assertThat(get("/admin/rfm/thresholds", 200).toString()).isEqualTo(body);
        assertThat(rfm.thresholds(CORP).highScoreFrom()).isEqualTo(4);
    }

    static Stream<Arguments> badThresholds() {
        String good = "{\"recencyDays\":[30,60,90,180],\"frequencyOrders\":[2,3,5,10],\"monetaryFen\":[10000,50000,100000,500000],"
                + "\"highScoreFrom\":3,\"newCustomerDays\":30}";
        return Stream.of(
                Arguments.of("not ascending", good.replace("[30,60,90,180]", "[30,90,60,180]"), "recencyDays"),
                Arguments.of("three boundaries", good.replace("[2,3,5,10]", "[2,3,5]"), "frequencyOrders"),
                Arguments.of("zero fen", good.replace("[10000,", "[0,"), "monetaryFen"),
                Arguments.of("high score 1", good.replace("\"highScoreFrom\":3", "\"highScoreFrom\":1"), "highScoreFrom"),
                Arguments.of("missing field", good.replace(",\"newCustomerDays\":30", ""), "newCustomerDays"),
                Arguments.of("null list", good.replace("[30,60,90,180]", "null"), "recencyDays"),
                Arguments.of("a string", good.replace("[2,3,5,10]", "\"2,3,5,10\""), "frequencyOrders"),
                Arguments.of("unknown field", good.replace("}", ",\"decay\":true}"), "decay"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badThresholds")
    void badThresholdsAre400NamingTheFieldAndNothingIsStored(String why, String body, String field) {
        JsonNode error = call(HttpApiEvents.request("PUT", "/admin/rfm/thresholds").body(body), 400).path("error");
        assertThat(error.path("fields").has(field)).as(error.toString()).isTrue();
        assertThat(rfm.thresholds(CORP)).isEqualTo(RfmThresholds.DEFAULTS);
    }

    @Test
    void badCustomerIdsAndPagesAre400AndUnknownCustomers404() {
        assertThat(get("/admin/rfm/customers/wm%20space", 400).path("error").path("fields").has("customerId")).isTrue();
        assertThat(get("/admin/rfm/customers/unionid:", 400).path("error").path("fields").has("customerId")).isTrue();
        assertThat(get("/admin/rfm/customers/" + "x".repeat(65), 400).path("error").path("code").asText()).isEqualTo("invalid_request");
        assertThat(get("/admin/rfm/customers/wmNobody", 404).path("error").path("code").asText()).isEqualTo("not_found");
        call(HttpApiEvents.request("GET", "/admin/rfm/customers/wmA/history").query(Map.of("limit", "0")), 400);
        call(HttpApiEvents.request("GET", "/admin/rfm/customers/wmA/history").query(Map.of("before", "soon")), 400);
        call(HttpApiEvents.request("GET", "/admin/rfm/customers/wmA/history").query(Map.of("before", "0")), 400);
    }
}
