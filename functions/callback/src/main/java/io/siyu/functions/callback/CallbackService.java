package io.siyu.functions.callback;

import io.siyu.core.events.DomainEvent;
import io.siyu.core.ports.EventPublisher;
import io.siyu.core.ports.IdempotencyStore;
import io.siyu.wecom.callback.CallbackCrypto;
import io.siyu.wecom.callback.CallbackEnvelope;
import io.siyu.wecom.callback.CallbackEvents;
import io.siyu.wecom.callback.CallbackRejected;
import io.siyu.wecom.callback.CallbackRejected.Check;
import io.siyu.wecom.callback.CallbackXml;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The WeCom callback protocol, without Lambda: verify the URL, or verify, decrypt, parse, dedupe
 * and publish one event. Every check happens before anything is stored or published.
 */
public final class CallbackService {

    /** What became of one request. */
    public sealed interface Outcome {
        /** URL verification passed: answer {@code echo} exactly. */
        record Verified(String echo) implements Outcome {}

        /** The event was published now. */
        record Accepted(String eventId, String detailType) implements Outcome {}

        /** A redelivery of an event published before: acknowledge, publish nothing. */
        record Duplicate(String eventId) implements Outcome {}

        /** A check failed: nothing stored, nothing published. */
        record Rejected(Check check, String reason) implements Outcome {}

        /** Could not finish now (publishing failed, or another delivery holds the claim): WeCom should retry. */
        record RetryLater(String eventId, String reason) implements Outcome {}
    }

    private final Supplier<CallbackCrypto> crypto;
    private final String corpId;
    private final IdempotencyStore idempotency;
    private final EventPublisher publisher;
    private final Clock clock;
    private final Duration maxClockSkew;

    public CallbackService(Supplier<CallbackCrypto> crypto, String corpId, IdempotencyStore idempotency,
                           EventPublisher publisher, Clock clock, Duration maxClockSkew) {
        this.crypto = crypto;
        this.corpId = corpId;
        this.idempotency = idempotency;
        this.publisher = publisher;
        this.clock = clock;
        this.maxClockSkew = maxClockSkew;
    }

    /** {@code GET ?msg_signature&timestamp&nonce&echostr}: answer the decrypted echostr. */
    public Outcome verifyUrl(Map<String, String> query) {
        try {
            String signature = required(query, "msg_signature");
            String timestamp = required(query, "timestamp");
            String nonce = required(query, "nonce");
            String echo = required(query, "echostr");
            checkTimestamp(timestamp);
            CallbackCrypto c = crypto.get();
            c.verify(signature, timestamp, nonce, echo);
            return new Outcome.Verified(c.decrypt(echo));
        } catch (CallbackRejected r) {
            return new Outcome.Rejected(r.check(), r.getMessage());
        }
    }

    /** {@code POST ?msg_signature&timestamp&nonce} with the encrypted envelope as body. */
    public Outcome receive(Map<String, String> query, String body) {
        DomainEvent event;
        String key;
        try {
            String signature = required(query, "msg_signature");
            String timestamp = required(query, "timestamp");
            String nonce = required(query, "nonce");
            if (body == null || body.isBlank()) {
                throw new CallbackRejected(Check.MALFORMED_XML, "empty body");
            }
            CallbackEnvelope envelope = CallbackEnvelope.parse(body);
            checkTimestamp(timestamp);
            CallbackCrypto c = crypto.get();
            c.verify(signature, timestamp, nonce, envelope.encrypt());
            CallbackXml.Fields fields = CallbackXml.parse(c.decrypt(envelope.encrypt()));
            String eventId = CallbackEvents.identity(fields);
            event = DomainEvents.of(CallbackEvents.parse(fields), eventId, corpId);
            key = corpId + "#callback#" + eventId;
        } catch (CallbackRejected r) {
            return new Outcome.Rejected(r.check(), r.getMessage());
        }
        Instant now = clock.instant();
        switch (idempotency.claim(key, now)) {
            case ALREADY_DONE -> {
                return new Outcome.Duplicate(event.eventId());
            }
            case IN_PROGRESS -> {
                return new Outcome.RetryLater(event.eventId(), "another delivery of this event is being published");
            }
            case ACQUIRED -> { }
        }
        try {
            publisher.publish(event);
        } catch (RuntimeException e) {
            // Roll the marker back, or WeCom's retry would be acknowledged as a duplicate and the event lost.
            idempotency.release(key);
            return new Outcome.RetryLater(event.eventId(), "publishing failed: " + e.getMessage());
        }
        idempotency.complete(key, now);
        return new Outcome.Accepted(event.eventId(), event.detailType());
    }

    private void checkTimestamp(String timestamp) {
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            throw new CallbackRejected(Check.TIMESTAMP, "timestamp is not a number");
        }
        long skew = Math.abs(clock.instant().getEpochSecond() - seconds);
        if (skew > maxClockSkew.getSeconds()) {
            throw new CallbackRejected(Check.TIMESTAMP, "timestamp is " + skew + " s away from now (window "
                    + maxClockSkew.getSeconds() + " s)");
        }
    }

    private static String required(Map<String, String> query, String name) {
        String value = query == null ? null : query.get(name);
        if (value == null || value.isEmpty()) {
            throw new CallbackRejected(Check.MISSING_PARAMETER, "query parameter " + name + " is missing");
        }
        return value;
    }
}
