package io.siyu.functions.callback;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.HttpApiEvents;
import io.siyu.wecom.callback.CallbackCrypto;
import io.siyu.wecom.callback.CallbackEnvelope;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Plays WeCom in handler tests: encrypts, signs and wraps callbacks as HttpApi events. */
final class WeComPlayer {

    private static final SecureRandom RANDOM = new SecureRandom();

    final CallbackCrypto crypto;
    final String corpId;

    WeComPlayer(String token, String aesKey, String corpId) {
        this.crypto = new CallbackCrypto(token, aesKey, corpId);
        this.corpId = corpId;
    }

    static WeComPlayer forTestStack() {
        return new WeComPlayer(AwsEmulators.WECOM_TOKEN, AwsEmulators.WECOM_AES_KEY, AwsEmulators.CORP_ID);
    }

    /** A fresh delivery of the plaintext: new random prefix, nonce and timestamp, as WeCom's retries are. */
    APIGatewayV2HTTPEvent post(String plaintextXml) {
        return postEncrypted(crypto.encrypt(plaintextXml, random16()), Instant.now());
    }

    APIGatewayV2HTTPEvent postEncrypted(String encrypted, Instant at) {
        String body = new CallbackEnvelope(corpId, "1000002", encrypted).toXml();
        return HttpApiEvents.request("POST", "/wecom/callback").query(signedQuery(encrypted, at)).body(body).build();
    }

    APIGatewayV2HTTPEvent get(String echoPlaintext) {
        String echo = crypto.encrypt(echoPlaintext, random16());
        Map<String, String> query = signedQuery(echo, Instant.now());
        query.put("echostr", echo);
        return HttpApiEvents.request("GET", "/wecom/callback").query(query).build();
    }

    Map<String, String> signedQuery(String encrypted, Instant at) {
        String timestamp = Long.toString(at.getEpochSecond());
        String nonce = Long.toString(RANDOM.nextInt(1_000_000_000));
        Map<String, String> query = new LinkedHashMap<>();
        query.put("msg_signature", crypto.signature(timestamp, nonce, encrypted));
        query.put("timestamp", timestamp);
        query.put("nonce", nonce);
        return query;
    }

    static byte[] random16() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
    }
}
