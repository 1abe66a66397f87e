package io.siyu.functions.callback;

import io.siyu.core.events.ContactAdded;
import io.siyu.dynamodb.DynamoDbIdempotencyStore;
import io.siyu.eventbus.DomainEventJson;
import io.siyu.eventbus.EventBridgePublisher;
import io.siyu.lambda.AwsClients;
import io.siyu.lambda.Env;
import io.siyu.lambda.Secret;
import io.siyu.wecom.callback.CallbackCrypto;
import io.siyu.wecom.callback.CallbackEnvelope;
import io.siyu.wecom.callback.CallbackEvents;
import io.siyu.wecom.callback.CallbackXml;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/** The callback function's configuration, read once at init; a missing value stops the function there. */
record CallbackConfig(String corpId, String idempotencyTable, String eventBusName, Duration maxClockSkew,
                      Secret token, Secret aesKey) {

    /** How long a completed marker suppresses WeCom's redeliveries (it retries within minutes). */
    static final Duration MARKER_RETENTION = Duration.ofDays(3);
    /** How long a claim keeps a concurrent redelivery out: past the function's 5-second timeout. */
    static final Duration CLAIM_LEASE = Duration.ofSeconds(10);

    static CallbackConfig fromEnvironment() {
        return new CallbackConfig(
                Env.required("WECOM_CORP_ID"),
                Env.required("IDEMPOTENCY_TABLE"),
                Env.required("EVENT_BUS_NAME"),
                Duration.ofSeconds(Env.integer("CALLBACK_MAX_CLOCK_SKEW_SECONDS", 300)),
                Secret.fromEnvironment("WECOM_TOKEN"),
                Secret.fromEnvironment("WECOM_AES_KEY"));
    }

    CallbackService service() {
        DynamoDbClient dynamoDb = AwsClients.configure(DynamoDbClient.builder(), "DYNAMODB").build();
        EventBridgeClient eventBridge = AwsClients.configure(EventBridgeClient.builder(), "EVENTBRIDGE").build();
        return new CallbackService(
                new RotatingCrypto(token, aesKey, corpId),
                corpId,
                new DynamoDbIdempotencyStore(dynamoDb, idempotencyTable, CLAIM_LEASE, MARKER_RETENTION),
                new EventBridgePublisher(eventBridge, eventBusName),
                Clock.systemUTC(),
                maxClockSkew);
    }

    /**
     * Runs the request path once with a throwaway key at init, so the classes it needs (AES,
     * SHA-1, StAX, Jackson) are loaded and initialised in the SnapStart snapshot, not on the
     * first WeCom request. Nothing here is secret or unique.
     */
    static void prime() {
        CallbackCrypto throwaway = new CallbackCrypto("prime", "a".repeat(43), "prime");
        String xml = "<xml><ToUserName><![CDATA[prime]]></ToUserName><CreateTime>0</CreateTime>"
                + "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event>"
                + "<ChangeType><![CDATA[add_external_contact]]></ChangeType><UserID><![CDATA[u]]></UserID>"
                + "<ExternalUserID><![CDATA[e]]></ExternalUserID></xml>";
        String encrypted = throwaway.encrypt(xml, new byte[16]);
        CallbackEnvelope envelope = CallbackEnvelope.parse(new CallbackEnvelope("prime", null, encrypted).toXml());
        throwaway.verify(throwaway.signature("0", "0", envelope.encrypt()), "0", "0", envelope.encrypt());
        CallbackXml.Fields fields = CallbackXml.parse(throwaway.decrypt(envelope.encrypt()));
        String id = CallbackEvents.identity(fields);
        DomainEventJson.detail(DomainEvents.of(CallbackEvents.parse(fields), id, "prime"));
        DomainEventJson.detail(new ContactAdded(id, "prime", Instant.EPOCH, "u", "e", null, null, false));
    }
}
