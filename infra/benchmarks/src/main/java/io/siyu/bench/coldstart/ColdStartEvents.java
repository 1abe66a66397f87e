package io.siyu.bench.coldstart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.EventBridgeEvents;
import io.siyu.testing.Fixtures;
import io.siyu.wecom.callback.CallbackCrypto;
import io.siyu.wecom.callback.CallbackEnvelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One realistic event per function, in the JSON its event source delivers: a signed WeCom callback
 * through API Gateway, a ContactAdded from the bus, an admin request with the authoriser's claims.
 */
final class ColdStartEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final AwsEmulators aws;

    ColdStartEvents(AwsEmulators aws) {
        this.aws = aws;
        aws.wecomStub().ok("externalcontact/get", "{\"errcode\":0,\"errmsg\":\"ok\",\"external_contact\":{\"external_userid\":"
                + "\"wmColdStart\",\"name\":\"冷启动\",\"type\":1},\"follow_user\":[],\"next_cursor\":\"\"}")
                .ok("externalcontact/mark_tag").ok("externalcontact/send_welcome_msg");
    }

    /** The event for a function, or empty when this benchmark has none for it yet. */
    Optional<String> forFunction(String logicalId) {
        return Optional.ofNullable(switch (logicalId) {
            case "CallbackFunction" -> callback();
            case "AttributionFunction" -> EventBridgeEvents.json("siyu.wecom", "ContactAdded", "{\"eventId\":\"cold-"
                    + UUID.randomUUID() + "\",\"corpId\":\"" + AwsEmulators.CORP_ID + "\",\"occurredAt\":\"" + Instant.now()
                    + "\",\"userId\":\"zhangsan\",\"externalUserId\":\"wmColdStart\",\"state\":\"ch_none0000\","
                    + "\"welcomeCode\":\"CODE\",\"pendingConfirmation\":false}", Instant.now());
            case "AdminFunction" -> httpApi("GET", "/admin/channels", Map.of(), null, true);
            default -> null;
        });
    }

    private String callback() {
        CallbackCrypto crypto = new CallbackCrypto(AwsEmulators.WECOM_TOKEN, AwsEmulators.WECOM_AES_KEY, AwsEmulators.CORP_ID);
        String xml = Fixtures.wecomEvent("add_external_contact.xml", AwsEmulators.CORP_ID)
                .replace("1403610513", Long.toString(Instant.now().getEpochSecond()))
                .replace("WELCOMECODE", UUID.randomUUID().toString());
        String encrypted = crypto.encrypt(xml, new byte[16]);
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        String nonce = "1372623149";
        return httpApi("POST", "/wecom/callback", Map.of("msg_signature", crypto.signature(timestamp, nonce, encrypted),
                "timestamp", timestamp, "nonce", nonce), new CallbackEnvelope(AwsEmulators.CORP_ID, "1000002", encrypted).toXml(), false);
    }

    /** An HttpApi payload 2.0 event from the real API Gateway fixture, with this request in it. */
    static String httpApi(String method, String path, Map<String, String> query, String body, boolean authorised) {
        try {
            ObjectNode event = (ObjectNode) JSON.readTree(Fixtures.text("apigw/http-api-v2.json"));
            event.put("routeKey", method + " " + path);
            event.put("rawPath", path);
            ObjectNode q = event.putObject("queryStringParameters");
            query.forEach(q::put);
            ObjectNode context = (ObjectNode) event.get("requestContext");
            context.put("routeKey", method + " " + path);
            ((ObjectNode) context.get("http")).put("method", method).put("path", path);
            if (authorised) {
                context.putObject("authorizer").putObject("jwt").putObject("claims").put("sub", "cold-start");
            }
            event.put("body", body == null ? "" : body);
            return JSON.writeValueAsString(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
