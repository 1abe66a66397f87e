package io.siyu.functions.orders;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.dynamodb.ContactItems;
import io.siyu.dynamodb.OrderItems;
import io.siyu.emulators.LambdaContext;
import io.siyu.lambda.Env;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import io.siyu.testing.HttpApiEvents;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
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
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The orders handler as deployed: built by its public constructor from the template's
 * environment (plus the local stack's plain source secrets), writing to the emulated Orders table.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class OrdersHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CORP = AwsEmulators.CORP_ID;
    private static final String CUSTOMER = "woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA";

    private AwsEmulators aws;
    private OrdersHandler handler;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        this.aws = aws;
        aws.reset();
        Env.use(aws.environmentOf("OrdersFunction"));
        handler = new OrdersHandler();
    }

    @AfterEach
    void restoreEnvironment() {
        Env.useProcessEnvironment();
    }

    static String fixture(String name) {
        try (InputStream in = OrdersHandlerTest.class.getResourceAsStream("/orders/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A request signed the way docs/orders.md tells a sender to, at {@code time}. */
    static HttpApiEvents signed(String path, String body, String source, String secret, long time) {
        String ts = Long.toString(time);
        return HttpApiEvents.request("POST", path).body(body)
                .header("Content-Type", "application/json")
                .header(OrderSignatures.SOURCE_HEADER, source)
                .header(OrderSignatures.TIMESTAMP_HEADER, ts)
                .header(OrderSignatures.SIGNATURE_HEADER, OrderSignatures.sign(secret, ts, body.getBytes(StandardCharsets.UTF_8)));
    }

    static HttpApiEvents signed(String path, String body) {
        return signed(path, body, AwsEmulators.ORDER_SOURCE, AwsEmulators.ORDER_SOURCE_SECRET, Instant.now().getEpochSecond());
    }

    private JsonNode call(HttpApiEvents request, int expectedStatus) {
        APIGatewayV2HTTPResponse r = handler.handleRequest(request.build(), new LambdaContext("orders", 29));
        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(expectedStatus);
        try {
            return JSON.readTree(r.getBody());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Map<String, AttributeValue>> orders() {
        return aws.dynamoDb().scan(b -> b.tableName(aws.stack().tableName("OrdersTable"))).items();
    }

    private Map<String, AttributeValue> order(String orderId) {
        return aws.dynamoDb().getItem(b -> b.tableName(aws.stack().tableName("OrdersTable"))
                .key(Map.of(OrderItems.PK, AttributeValue.fromS(OrderItems.pk(CORP, orderId))))).item();
    }

    @Test
    void aPaidOrderIsStoredUnderItsExternalUserIdWithThePaidIndexKeys() {
        JsonNode reply = call(signed("/orders", fixture("paid.json")), 200);
        assertThat(reply.path("order_id").asText()).isEqualTo("SO20261120001");
        assertThat(reply.path("result").asText()).isEqualTo("created");

        Map<String, AttributeValue> item = order("SO20261120001");
        assertThat(item.get(OrderItems.CUSTOMER).s()).isEqualTo("ext:" + CUSTOMER);
        assertThat(item.get(OrderItems.SOURCE).s()).isEqualTo(AwsEmulators.ORDER_SOURCE);
        assertThat(item.get(OrderItems.AMOUNT_FEN).n()).isEqualTo("12900");
        assertThat(item.get(OrderItems.STATUS).s()).isEqualTo("PAID");
        long paidMillis = Instant.parse("2026-11-20T02:15:30Z").toEpochMilli(); // 10:15:30 in +08:00
        assertThat(item.get(OrderItems.PAID_AT).n()).isEqualTo(Long.toString(paidMillis));
        assertThat(item.get(OrderItems.PAID_CUSTOMER).s()).isEqualTo(CORP + "#ext:" + CUSTOMER);
        assertThat(item.get(OrderItems.PAID_SORT).s()).isEqualTo(paidMillis + "#SO20261120001");
    }

    @Test
    void aNewerVersionReplacesAndAnOlderOrEqualOneIsIgnored() {
        call(signed("/orders", fixture("paid.json")), 200);
        assertThat(call(signed("/orders", fixture("partially-refunded.json")), 200).path("result").asText()).isEqualTo("replaced");
        // The same versions again (a retry, or the mall replaying): nothing changes.
        assertThat(call(signed("/orders", fixture("paid.json")), 200).path("result").asText()).isEqualTo("ignored");
        assertThat(call(signed("/orders", fixture("partially-refunded.json")), 200).path("result").asText()).isEqualTo("ignored");

        Map<String, AttributeValue> item = order("SO20261120001");
        assertThat(item.get(OrderItems.STATUS).s()).isEqualTo("PARTIALLY_REFUNDED");
        assertThat(item.get(OrderItems.REFUNDED_FEN).n()).isEqualTo("2900");
        assertThat(item).containsKey(OrderItems.PAID_CUSTOMER);
    }

    @Test
    void aRefundTakesTheOrderOutOfThePaidIndex() {
        call(signed("/orders", fixture("paid.json")), 200);
        String refunded = fixture("paid.json").replace("\"PAID\"", "\"REFUNDED\"").replace("10:15:31", "11:00:00");
        call(signed("/orders", refunded), 200);
        Map<String, AttributeValue> item = order("SO20261120001");
        assertThat(item.get(OrderItems.REFUNDED_FEN).n()).isEqualTo("12900");
        assertThat(item).doesNotContainKeys(OrderItems.PAID_CUSTOMER, OrderItems.PAID_SORT);
    }

    @Test
    void aUnionIdAloneIsResolvedThroughTheContacts() {
        Map<String, AttributeValue> profile = new HashMap<>();
        profile.put(ContactItems.PK, AttributeValue.fromS(ContactItems.pk(CORP, "wmResolved")));
        profile.put(ContactItems.SK, AttributeValue.fromS(ContactItems.PROFILE));
        profile.put(ContactItems.EXTERNAL_USER_ID, AttributeValue.fromS("wmResolved"));
        profile.put(ContactItems.UNION_ID, AttributeValue.fromS("oKnownUnion"));
        profile.put(ContactItems.UNION_KEY, AttributeValue.fromS(CORP + "#oKnownUnion"));
        profile.put(ContactItems.ACTIVE_RELATIONSHIPS, AttributeValue.fromN("1"));
        aws.dynamoDb().putItem(b -> b.tableName(aws.stack().tableName("ContactsTable")).item(profile));

        String known = fixture("paid.json").replace("\"external_userid\": \"" + CUSTOMER + "\",", "")
                .replace("ozynqsulJFCZ2z1aYeS8h-nuasdAAA", "oKnownUnion");
        call(signed("/orders", known), 200);
        assertThat(order("SO20261120001").get(OrderItems.CUSTOMER).s()).isEqualTo("ext:wmResolved");

        String unknown = known.replace("oKnownUnion", "oNobodyKnows").replace("SO20261120001", "SO2");
        call(signed("/orders", unknown), 200);
        assertThat(order("SO2").get(OrderItems.CUSTOMER).s()).isEqualTo("union:oNobodyKnows");
        assertThat(order("SO2").get(OrderItems.UNION_ID).s()).isEqualTo("oNobodyKnows");
    }

    @Test
    void aBatchIsWrittenInOrderWithOneResultPerOrder() {
        JsonNode reply = call(signed("/orders/batch", fixture("batch.json")), 200);
        assertThat(reply.path("results")).extracting(r -> r.path("order_id").asText() + "=" + r.path("result").asText())
                .containsExactly("SO1=created", "SO2=created", "SO3=created");
        assertThat(order("SO2").get(OrderItems.CUSTOMER).s()).isEqualTo("union:oUnionB");
        assertThat(order("SO3")).doesNotContainKey(OrderItems.PAID_AT);
        // Replayed whole (a retry after a timeout): every order is already there.
        assertThat(call(signed("/orders/batch", fixture("batch.json")), 200).path("results"))
                .allSatisfy(r -> assertThat(r.path("result").asText()).isEqualTo("ignored"));
    }

    @Test
    void aBatchWithOneBadOrderIsRefusedWholeNamingTheField() {
        String body = fixture("batch.json").replace("\"amount_fen\": 2500", "\"amount_fen\": -1");
        JsonNode error = call(signed("/orders/batch", body), 400).path("error");
        assertThat(error.path("code").asText()).isEqualTo("invalid_order");
        assertThat(error.path("fields").path("orders[1].amount_fen").asText()).isEqualTo("must not be negative");
        assertThat(orders()).isEmpty();
    }

    @Test
    void aBatchOfMoreThanFiveHundredOrdersIsRefused() {
        StringBuilder body = new StringBuilder("{\"orders\":[");
        for (int i = 0; i <= OrderJson.MAX_BATCH; i++) {
            body.append(i == 0 ? "" : ",").append("{\"order_id\":\"O").append(i).append("\",\"external_userid\":\"wm\","
                    + "\"amount_fen\":1,\"currency\":\"CNY\",\"status\":\"PAID\",\"paid_at\":\"2026-01-01T00:00:00Z\","
                    + "\"updated_at\":\"2026-01-01T00:00:00Z\"}");
        }
        JsonNode error = call(signed("/orders/batch", body.append("]}").toString()), 400).path("error");
        assertThat(error.path("fields").path("orders").asText()).contains("1 to 500");
        assertThat(orders()).isEmpty();
    }

    static Stream<Arguments> badOrders() {
        String paid = fixture("paid.json");
        return Stream.of(
                Arguments.of("missing order_id", paid.replace("\"order_id\": \"SO20261120001\",", ""), "order_id"),
                Arguments.of("order_id with a space", paid.replace("SO20261120001", "SO 1"), "order_id"),
                Arguments.of("order_id too long", paid.replace("SO20261120001", "S".repeat(65)), "order_id"),
                Arguments.of("no customer identity", paid.replace("\"external_userid\": \"" + CUSTOMER + "\",", "")
                        .replace("\"unionid\": \"ozynqsulJFCZ2z1aYeS8h-nuasdAAA\",", ""), "external_userid"),
                Arguments.of("external_userid not a string", paid.replace("\"" + CUSTOMER + "\"", "42"), "external_userid"),
                Arguments.of("negative amount", paid.replace("12900", "-12900"), "amount_fen"),
                Arguments.of("amount in yuan with decimals", paid.replace("12900", "129.00"), "amount_fen"),
                Arguments.of("amount as a string", paid.replace("12900", "\"12900\""), "amount_fen"),
                Arguments.of("missing amount", paid.replace("\"amount_fen\": 12900,", ""), "amount_fen"),
                Arguments.of("huge amount", paid.replace("12900", "99999999999999999999"), "amount_fen"),
                Arguments.of("other currency", paid.replace("\"CNY\"", "\"USD\""), "currency"),
                Arguments.of("missing currency", paid.replace("\"currency\": \"CNY\",", ""), "currency"),
                Arguments.of("unknown status", paid.replace("\"PAID\"", "\"SHIPPED\""), "status"),
                Arguments.of("lower-case status", paid.replace("\"PAID\"", "\"paid\""), "status"),
                Arguments.of("partial refund without refunded_fen", paid.replace("\"PAID\"", "\"PARTIALLY_REFUNDED\""), "refunded_fen"),
                Arguments.of("partial refund of everything", paid.replace("\"PAID\"", "\"PARTIALLY_REFUNDED\"")
                        .replace("\"currency\"", "\"refunded_fen\": 12900, \"currency\""), "refunded_fen"),
                Arguments.of("refund on a paid order", paid.replace("\"currency\"", "\"refunded_fen\": 100, \"currency\""), "refunded_fen"),
                Arguments.of("negative refund", paid.replace("\"PAID\"", "\"PARTIALLY_REFUNDED\"")
                        .replace("\"currency\"", "\"refunded_fen\": -5, \"currency\""), "refunded_fen"),
                Arguments.of("paid order without paid_at", paid.replace("\"paid_at\": \"2026-11-20T10:15:30+08:00\",", ""), "paid_at"),
                Arguments.of("time without offset", paid.replace("2026-11-20T10:15:30+08:00", "2026-11-20T10:15:30"), "paid_at"),
                Arguments.of("time as epoch number", paid.replace("\"2026-11-20T10:15:30+08:00\"", "1795486530"), "paid_at"),
                Arguments.of("missing updated_at", paid.replace(",\n  \"updated_at\": \"2026-11-20T10:15:31+08:00\"", ""), "updated_at"),
                Arguments.of("updated_at far in the future", paid.replace("2026-11-20T10:15:31+08:00", "2999-01-01T00:00:00+08:00"), "updated_at"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badOrders")
    void everyBadOrderIsA400NamingTheFieldAndNothingIsWritten(String why, String body, String field) {
        JsonNode error = call(signed("/orders", body), 400).path("error");
        assertThat(error.path("code").asText()).isEqualTo("invalid_order");
        assertThat(error.path("fields").has(field)).as(error.toString()).isTrue();
        assertThat(orders()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadableBodies")
    void unreadableBodiesAre400AndNothingIsWritten(String why, String body) {
        assertThat(call(signed("/orders", body), 400).path("error").path("code").asText()).startsWith("invalid_");
        assertThat(orders()).isEmpty();
    }

    static Stream<Arguments> unreadableBodies() {
        return Stream.of(
                Arguments.of("empty", ""),
                Arguments.of("not JSON", "order_id=1&amount=2"),
                Arguments.of("truncated JSON", fixture("paid.json").substring(0, 40)),
                Arguments.of("an array", "[" + fixture("paid.json") + "]"),
                Arguments.of("two objects", fixture("paid.json") + fixture("paid.json")),
                Arguments.of("a duplicated key", fixture("paid.json").replace("\"amount_fen\": 12900,", "\"amount_fen\": 1, \"amount_fen\": 12900,")),
                Arguments.of("null", "null"));
    }

    @Test
    void signatureFailuresAre401AndNothingIsWritten() {
        String body = fixture("paid.json");
        long now = Instant.now().getEpochSecond();
        Map<String, HttpApiEvents> attempts = new java.util.LinkedHashMap<>();
        attempts.put("missing_signature", HttpApiEvents.request("POST", "/orders").body(body));
        attempts.put("unknown_source", signed("/orders", body, "erp", AwsEmulators.ORDER_SOURCE_SECRET, now));
        attempts.put("bad_signature", signed("/orders", body, AwsEmulators.ORDER_SOURCE, "another-secret-of-enough-length", now));
        attempts.put("bad_signature (tampered body)", signed("/orders", body, AwsEmulators.ORDER_SOURCE,
                AwsEmulators.ORDER_SOURCE_SECRET, now).body(body.replace("12900", "1")));
        attempts.put("bad_signature (not hex)", signed("/orders", body).header(OrderSignatures.SIGNATURE_HEADER, "v1=zz"));
        attempts.put("stale_timestamp (10 minutes old)", signed("/orders", body, AwsEmulators.ORDER_SOURCE,
                AwsEmulators.ORDER_SOURCE_SECRET, now - 600));
        attempts.put("stale_timestamp (10 minutes ahead)", signed("/orders", body, AwsEmulators.ORDER_SOURCE,
                AwsEmulators.ORDER_SOURCE_SECRET, now + 600));
        attempts.put("stale_timestamp (not a number)", signed("/orders", body).header(OrderSignatures.TIMESTAMP_HEADER, "yesterday"));
        attempts.forEach((expected, request) -> assertThat(call(request, 401).path("error").path("code").asText())
                .as(expected).isEqualTo(expected.split(" ")[0]));
        assertThat(orders()).isEmpty();
    }

    @Test
    void anOrderOfAnotherSourceIsA409AndStaysAsItWas() {
        Map<String, String> env = new HashMap<>(aws.environmentOf("OrdersFunction"));
        env.put("ORDER_SOURCE_SECRETS", "{\"mall\":\"" + AwsEmulators.ORDER_SOURCE_SECRET + "\",\"erp\":\"erp-hmac-key-0123456789abcdef\"}");
        Env.use(env);
        handler = new OrdersHandler();
        call(signed("/orders", fixture("paid.json")), 200);
        String takeover = fixture("partially-refunded.json");
        assertThat(call(signed("/orders", takeover, "erp", "erp-hmac-key-0123456789abcdef", Instant.now().getEpochSecond()), 409)
                .path("error").path("code").asText()).isEqualTo("order_owned_by_other_source");
        assertThat(order("SO20261120001").get(OrderItems.STATUS).s()).isEqualTo("PAID");
    }

    @Test
    void duringARotationBothSecretsOfASourceAreAccepted() {
        Map<String, String> env = new HashMap<>(aws.environmentOf("OrdersFunction"));
        env.put("ORDER_SOURCE_SECRETS", "{\"mall\":[\"new-mall-hmac-key-0123456789\",\"" + AwsEmulators.ORDER_SOURCE_SECRET + "\"]}");
        Env.use(env);
        handler = new OrdersHandler();
        long now = Instant.now().getEpochSecond();
        call(signed("/orders", fixture("paid.json"), "mall", "new-mall-hmac-key-0123456789", now), 200);
        call(signed("/orders", fixture("partially-refunded.json"), "mall", AwsEmulators.ORDER_SOURCE_SECRET, now), 200);
        assertThat(order("SO20261120001").get(OrderItems.STATUS).s()).isEqualTo("PARTIALLY_REFUNDED");
    }

    @Test
    void oversizedBodiesAre413BeforeAnythingElse() {
        String big = fixture("paid.json").replace("\"currency\"", "\"note\": \"" + "x".repeat(OrdersHandler.MAX_ORDER_BYTES) + "\", \"currency\"");
        assertThat(call(signed("/orders", big), 413).path("error").path("code").asText()).isEqualTo("body_too_large");
        assertThat(orders()).isEmpty();
    }

    @Test
    void aBase64EncodedBodyIsVerifiedOnItsRawBytes() {
        HttpApiEvents request = signed("/orders", fixture("paid.json"));
        request.base64Body(Base64.getEncoder().encodeToString(fixture("paid.json").getBytes(StandardCharsets.UTF_8)));
        call(request, 200);
        assertThat(orders()).hasSize(1);
    }

    @Test
    void onlyPostOnTheTwoOrderPathsIsServed() {
        assertThat(call(signed("/orders", fixture("paid.json")).body(fixture("paid.json")), 200)).isNotNull();
        HttpApiEvents get = HttpApiEvents.request("GET", "/orders");
        assertThat(call(get, 405).path("error").path("code").asText()).isEqualTo("method_not_allowed");
        assertThat(call(HttpApiEvents.request("POST", "/orders/other"), 404).path("error").path("code").asText()).isEqualTo("not_found");
    }
}
