package io.siyu.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.siyu.emulators.LocalEnvironment;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.Fixtures;
import io.siyu.wecom.callback.CallbackCrypto;
import io.siyu.wecom.callback.CallbackEnvelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** API Gateway (HttpApi, payload 2.0) events for benchmarks, built on the real event fixture. */
public final class HttpApiRequests {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CallbackCrypto CRYPTO =
            new CallbackCrypto(AwsEmulators.WECOM_TOKEN, AwsEmulators.WECOM_AES_KEY, AwsEmulators.CORP_ID);

    private HttpApiRequests() {}

    /** A WeCom callback POST carrying {@code plaintextXml}, encrypted and signed as WeCom does, stamped now. */
    public static String signedCallback(String plaintextXml) {
        String encrypted = CRYPTO.encrypt(plaintextXml, new byte[16]);
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        String nonce = "1372623149";
        return event("POST", "/wecom/callback", Map.of("msg_signature", CRYPTO.signature(timestamp, nonce, encrypted),
                "timestamp", timestamp, "nonce", nonce), new CallbackEnvelope(AwsEmulators.CORP_ID, "1000002", encrypted).toXml(), false);
    }

    /** WeCom's published add_external_contact sample for this corp, made unique by customer and time. */
    public static String addExternalContact(String externalUserId, String welcomeCode) {
        return Fixtures.wecomEvent("add_external_contact.xml", AwsEmulators.CORP_ID)
                .replace("1403610513", Long.toString(Instant.now().getEpochSecond()))
                .replace("woAJ2GCAAAXtWyujaWJHDDGi0mAAAA", externalUserId)
                .replace("WELCOMECODE", welcomeCode);
    }

    /** An order for {@code POST /orders}, signed for the local order source as docs/orders.md says. */
    public static String signedOrder(String orderId, String externalUserId, long amountFen) {
        Instant now = Instant.now();
        String body = "{\"order_id\":\"" + orderId + "\",\"external_userid\":\"" + externalUserId + "\",\"amount_fen\":"
                + amountFen + ",\"currency\":\"CNY\",\"status\":\"PAID\",\"paid_at\":\"" + now + "\",\"updated_at\":\"" + now + "\"}";
        String timestamp = Long.toString(now.getEpochSecond());
        return event("POST", "/orders", Map.of(), Map.of("Content-Type", "application/json", "X-Siyu-Source", LocalEnvironment.ORDER_SOURCE,
                "X-Siyu-Timestamp", timestamp, "X-Siyu-Signature", "v1=" + hmacSha256Hex(LocalEnvironment.ORDER_SOURCE_SECRET,
                        timestamp + "." + body)), body, false);
    }

    private static String hmacSha256Hex(String secret, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An HttpApi payload 2.0 event from the real API Gateway fixture, with this request in it. */
    public static String event(String method, String path, Map<String, String> query, String body, boolean authorised) {
        return event(method, path, query, Map.of(), body, authorised);
    }

    /** The same, with request headers (names lower-cased, as API Gateway delivers them). */
    public static String event(String method, String path, Map<String, String> query, Map<String, String> headers, String body,
                               boolean authorised) {
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
                context.putObject("authorizer").putObject("jwt").putObject("claims").put("sub", "benchmark");
            }
            ObjectNode h = event.has("headers") ? (ObjectNode) event.get("headers") : event.putObject("headers");
            headers.forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v));
            event.put("body", body == null ? "" : body);
            return JSON.writeValueAsString(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
