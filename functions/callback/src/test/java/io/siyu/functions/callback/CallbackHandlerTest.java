package io.siyu.functions.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.emulators.EventBridgeStub.Failure;
import io.siyu.emulators.LambdaContext;
import io.siyu.lambda.Env;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import io.siyu.testing.Fixtures;
import io.siyu.testing.HttpApiEvents;
import io.siyu.testing.PublishedEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The callback handler as deployed: built by its public constructor from the template's
 * environment, talking to the emulated idempotency table and bus.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class CallbackHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WeComPlayer WECOM = WeComPlayer.forTestStack();

    private AwsEmulators aws;
    private CallbackHandler handler;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        this.aws = aws;
        aws.reset();
        Env.use(aws.environmentOf("CallbackFunction"));
        handler = new CallbackHandler();
    }

    @AfterEach
    void restoreEnvironment() {
        Env.useProcessEnvironment();
    }

    private APIGatewayV2HTTPResponse call(APIGatewayV2HTTPEvent event) {
        return handler.handleRequest(event, new LambdaContext("callback", 5));
    }

    private static String event(String fixture) {
        return Fixtures.wecomEvent(fixture, AwsEmulators.CORP_ID);
    }

    @Test
    void urlVerificationAnswersTheDecryptedEchoExactly() {
        APIGatewayV2HTTPResponse r = call(WECOM.get("1616140317555161061"));
        assertThat(r.getStatusCode()).isEqualTo(200);
        assertThat(r.getBody()).isEqualTo("1616140317555161061");
        assertThat(r.getHeaders().get("Content-Type")).startsWith("text/plain");
        assertThat(markers()).isEmpty();
        assertThat(aws.publishedEvents()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "add_external_contact.xml, ContactAdded",
            "add_half_external_contact.xml, ContactAdded",
            "edit_external_contact.xml, ContactEdited",
            "del_external_contact.xml, ContactRemoved",
            "del_follow_user.xml, ContactRemoved",
            "transfer_fail.xml, ContactTransferFailed",
            "change_external_chat_create.xml, GroupCreated",
            "change_external_chat_add_member.xml, GroupMemberJoined",
            "change_external_chat_del_member.xml, GroupMemberLeft",
            "change_external_chat_change_name.xml, GroupUpdated",
            "change_external_chat_dismiss.xml, GroupDismissed",
            "change_external_tag_create.xml, TagChanged",
            "unknown_event.xml, Unhandled",
            "unknown_change_type.xml, Unhandled",
    })
    void everyDocumentedEventIsAcknowledgedWithAnEmptyBodyAndPublishedOnce(String fixture, String detailType) {
        APIGatewayV2HTTPResponse r = call(WECOM.post(event(fixture)));
        assertThat(r.getStatusCode()).isEqualTo(200);
        assertThat(r.getBody()).isEmpty();
        assertThat(aws.publishedEvents()).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo("siyu.wecom");
            assertThat(e.detailType()).isEqualTo(detailType);
            assertThat(e.eventBusName()).isEqualTo("siyu");
        });
        assertThat(markers()).singleElement().satisfies(m -> assertThat(m.get("status")).isEqualTo("COMPLETED"));
    }

    @Test
    void contactAddedCarriesWhatAttributionNeeds() throws Exception {
        call(WECOM.post(event("add_external_contact.xml")));
        JsonNode detail = JSON.readTree(aws.publishedEvents().get(0).detail());
        assertThat(detail.path("corpId").asText()).isEqualTo(AwsEmulators.CORP_ID);
        assertThat(detail.path("userId").asText()).isEqualTo("zhangsan");
        assertThat(detail.path("externalUserId").asText()).isEqualTo("woAJ2GCAAAXtWyujaWJHDDGi0mAAAA");
        assertThat(detail.path("state").asText()).isEqualTo("teststate");
        assertThat(detail.path("welcomeCode").asText()).isEqualTo("WELCOMECODE");
        assertThat(detail.path("pendingConfirmation").asBoolean()).isFalse();
        assertThat(detail.path("occurredAt").asText()).isEqualTo("2014-06-24T11:48:33Z");
        assertThat(detail.path("eventId").asText()).startsWith("1403610513-");
    }

    @Test
    void contactRemovedSaysWhoRemovedWhom() throws Exception {
        call(WECOM.post(event("del_follow_user.xml")));
        call(WECOM.post(event("del_external_contact.xml")));
        List<PublishedEvent> events = aws.publishedEvents();
        assertThat(JSON.readTree(events.get(0).detail()).path("removedBy").asText()).isEqualTo("CUSTOMER");
        JsonNode byStaff = JSON.readTree(events.get(1).detail());
        assertThat(byStaff.path("removedBy").asText()).isEqualTo("STAFF");
        assertThat(byStaff.path("removalSource").asText()).isEqualTo("DELETE_BY_TRANSFER");
    }

    @Test
    void aRedeliveryIsAcknowledgedButPublishedOnce() {
        String xml = event("add_external_contact.xml");
        for (int attempt = 0; attempt < 4; attempt++) {
            // Each retry from WeCom is freshly encrypted, with a new nonce and timestamp.
            assertThat(call(WECOM.post(xml)).getStatusCode()).isEqualTo(200);
        }
        assertThat(aws.publishedEvents()).hasSize(1);
    }

    @Test
    void aBase64EncodedBodyIsReadToo() {
        APIGatewayV2HTTPEvent e = WECOM.post(event("add_external_contact.xml"));
        e.setBody(Base64.getEncoder().encodeToString(e.getBody().getBytes(StandardCharsets.UTF_8)));
        e.setIsBase64Encoded(true);
        assertThat(call(e).getStatusCode()).isEqualTo(200);
        assertThat(aws.publishedEvents()).hasSize(1);
    }

    @ParameterizedTest
    @CsvSource({"HTTP_500", "ENTRY_FAILED"})
    void aPublishFailureAsksWeComToRetryAndTheRetryIsPublished(Failure failure) {
        assumeTrue(aws.canInjectEventBridgeFailures(), "needs the in-process EventBridge stub");
        String xml = event("add_external_contact.xml");
        // The SDK retries a 500 itself; fail every attempt it makes.
        aws.failNextPutEvents(failure, failure, failure, failure);
        APIGatewayV2HTTPResponse failed = call(WECOM.post(xml));
        assertThat(failed.getStatusCode()).isEqualTo(503);
        assertThat(markers()).as("the dedupe marker is rolled back").isEmpty();
        assertThat(aws.publishedEvents()).isEmpty();

        aws.clearPutEventsFailures(); // the SDK may not have used up every injected failure
        assertThat(call(WECOM.post(xml)).getStatusCode()).isEqualTo(200);
        assertThat(aws.publishedEvents()).hasSize(1);
        assertThat(call(WECOM.post(xml)).getStatusCode()).isEqualTo(200);
        assertThat(aws.publishedEvents()).hasSize(1);
    }

    static Stream<Arguments> badRequests() {
        WeComPlayer otherCorp = new WeComPlayer(AwsEmulators.WECOM_TOKEN, AwsEmulators.WECOM_AES_KEY, "wwAnotherCorp");
        WeComPlayer wrongToken = new WeComPlayer("wrongToken", AwsEmulators.WECOM_AES_KEY, AwsEmulators.CORP_ID);
        String add = event("add_external_contact.xml");
        Function<Map<String, String>, APIGatewayV2HTTPEvent> withQuery = q -> {
            APIGatewayV2HTTPEvent e = WECOM.post(add);
            e.setQueryStringParameters(q);
            return e;
        };
        Function<String, Map<String, String>> queryWithout = name -> {
            Map<String, String> q = new java.util.HashMap<>(WECOM.post(add).getQueryStringParameters());
            q.remove(name);
            return q;
        };
        byte[] lyingLength = WECOM.crypto.frame(add, new byte[16]);
        ByteBuffer.wrap(lyingLength).putInt(16, lyingLength.length);
        byte[] badPad = WECOM.crypto.frame(add, new byte[16]);
        badPad[badPad.length - 1] = 0;
        byte[] valid = Base64.getDecoder().decode(WECOM.crypto.encrypt(add, new byte[16]));
        String truncated = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(valid, valid.length - 7));
        String billionLaughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                + "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><xml><A>&lol2;</A></xml>";
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                + "<xml><ToUserName>&xxe;</ToUserName><CreateTime>1</CreateTime></xml>";
        return Stream.of(
                Arguments.of("missing msg_signature", withQuery.apply(queryWithout.apply("msg_signature")), 400, "missing_parameter"),
                Arguments.of("missing timestamp", withQuery.apply(queryWithout.apply("timestamp")), 400, "missing_parameter"),
                Arguments.of("missing nonce", withQuery.apply(queryWithout.apply("nonce")), 400, "missing_parameter"),
                Arguments.of("no query at all", withQuery.apply(null), 400, "missing_parameter"),
                Arguments.of("wrong token", wrongToken.post(add), 403, "signature"),
                Arguments.of("signature of another message", tamperedSignature(add), 403, "signature"),
                Arguments.of("stale timestamp", WECOM.postEncrypted(WECOM.crypto.encrypt(add, new byte[16]),
                        Instant.now().minusSeconds(3600)), 403, "timestamp"),
                Arguments.of("timestamp from the future", WECOM.postEncrypted(WECOM.crypto.encrypt(add, new byte[16]),
                        Instant.now().plusSeconds(3600)), 403, "timestamp"),
                Arguments.of("timestamp not a number", withQuery.apply(Map.of("msg_signature", "x", "timestamp", "soon", "nonce", "1")), 403, "timestamp"),
                Arguments.of("another corp's message", otherCorp.post(add), 403, "receive_id"),
                Arguments.of("bad base64", WECOM.postEncrypted("@@not-base64@@", Instant.now()), 400, "base64"),
                Arguments.of("truncated ciphertext", WECOM.postEncrypted(truncated, Instant.now()), 400, "ciphertext_length"),
                Arguments.of("bad padding", WECOM.postEncrypted(WECOM.crypto.encryptFramed(badPad), Instant.now()), 400, "padding"),
                Arguments.of("length field out of range", WECOM.postEncrypted(WECOM.crypto.encryptFramed(lyingLength), Instant.now()), 400, "length_field"),
                Arguments.of("malformed envelope", withBody(WECOM.post(add), "<xml><Encrypt>abc</xml>"), 400, "malformed_xml"),
                Arguments.of("envelope without Encrypt", withBody(WECOM.post(add), "<xml><ToUserName>x</ToUserName></xml>"), 400, "malformed_xml"),
                Arguments.of("empty body", withBody(WECOM.post(add), ""), 400, "malformed_xml"),
                Arguments.of("DTD in the envelope", withBody(WECOM.post(add), billionLaughs), 400, "malformed_xml"),
                Arguments.of("malformed inner XML", WECOM.post("<xml><ToUserName>x</ToUserName"), 400, "malformed_xml"),
                Arguments.of("billion laughs inside", WECOM.post(billionLaughs), 400, "malformed_xml"),
                Arguments.of("external entity inside", WECOM.post(xxe), 400, "malformed_xml"),
                Arguments.of("event without CreateTime", WECOM.post("<xml><ToUserName>x</ToUserName></xml>"), 400, "malformed_xml"),
                Arguments.of("body over 64 KiB", withBody(WECOM.post(add), "<xml>" + "a".repeat(70_000) + "</xml>"), 413, "body_too_large"),
                Arguments.of("base64 flag on a body that is not base64", base64Flagged(WECOM.post(add)), 400, "malformed_xml"),
                Arguments.of("PUT", HttpApiEvents.request("PUT", "/wecom/callback").body(add).build(), 405, "method_not_allowed"),
                Arguments.of("GET without echostr", getWithout("echostr"), 400, "missing_parameter"),
                Arguments.of("GET with a bad signature", getWithBadSignature(), 403, "signature"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void aBadRequestIsRefusedAndChangesNothing(String name, APIGatewayV2HTTPEvent request, int status, String check) throws Exception {
        APIGatewayV2HTTPResponse r = call(request);
        assertThat(r.getStatusCode()).as(name).isEqualTo(status);
        assertThat(JSON.readTree(r.getBody()).path("error").path("code").asText()).isEqualTo(check);
        assertThat(r.getBody()).doesNotContain("Exception").doesNotContain("at io.");
        assertThat(markers()).as("nothing stored").isEmpty();
        assertThat(aws.publishedEvents()).as("nothing published").isEmpty();
    }

    private static APIGatewayV2HTTPEvent withBody(APIGatewayV2HTTPEvent e, String body) {
        e.setBody(body);
        return e;
    }

    private static APIGatewayV2HTTPEvent base64Flagged(APIGatewayV2HTTPEvent e) {
        e.setBody("<not base64>");
        e.setIsBase64Encoded(true);
        return e;
    }

    private static APIGatewayV2HTTPEvent tamperedSignature(String xml) {
        APIGatewayV2HTTPEvent e = WECOM.post(xml);
        Map<String, String> q = new java.util.HashMap<>(e.getQueryStringParameters());
        q.put("nonce", q.get("nonce") + "1");
        e.setQueryStringParameters(q);
        return e;
    }

    private static APIGatewayV2HTTPEvent getWithout(String name) {
        APIGatewayV2HTTPEvent e = WECOM.get("echo");
        Map<String, String> q = new java.util.HashMap<>(e.getQueryStringParameters());
        q.remove(name);
        e.setQueryStringParameters(q);
        return e;
    }

    private static APIGatewayV2HTTPEvent getWithBadSignature() {
        APIGatewayV2HTTPEvent e = WECOM.get("echo");
        Map<String, String> q = new java.util.HashMap<>(e.getQueryStringParameters());
        q.put("msg_signature", "0".repeat(40));
        e.setQueryStringParameters(q);
        return e;
    }

    private List<Map<String, String>> markers() {
        return aws.dynamoDb().scan(b -> b.tableName(aws.stack().tableName("IdempotencyTable"))).items().stream()
                .map(item -> {
                    Map<String, String> m = new java.util.HashMap<>();
                    item.forEach((k, v) -> m.put(k, v.s() != null ? v.s() : v.n()));
                    return m;
                }).toList();
    }
}
