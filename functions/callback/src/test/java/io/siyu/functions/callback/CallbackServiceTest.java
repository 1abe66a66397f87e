package io.siyu.functions.callback;

import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.core.events.DomainEvent;
import io.siyu.core.ports.EventPublisher;
import io.siyu.core.ports.IdempotencyStore;
import io.siyu.functions.callback.CallbackService.Outcome;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.Fixtures;
import io.siyu.wecom.callback.CallbackRejected.Check;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The protocol rules that need a fixed clock or a hand-held store, without any emulator. */
class CallbackServiceTest {

    private static final Instant NOW = Instant.parse("2026-11-23T04:00:00Z");
    private final WeComPlayer wecom = WeComPlayer.forTestStack();
    private final List<DomainEvent> published = new ArrayList<>();
    private final Map<String, String> markers = new HashMap<>();

    private final IdempotencyStore store = new IdempotencyStore() {
        @Override
        public Claim claim(String key, Instant now) {
            String existing = markers.putIfAbsent(key, "IN_PROGRESS");
            if (existing == null) {
                return Claim.ACQUIRED;
            }
            return existing.equals("DONE") ? Claim.ALREADY_DONE : Claim.IN_PROGRESS;
        }

        @Override
        public void complete(String key, Instant now) {
            markers.put(key, "DONE");
        }

        @Override
        public void release(String key) {
            markers.remove(key);
        }
    };

    private final CallbackService service = new CallbackService(() -> wecom.crypto, AwsEmulators.CORP_ID, store,
            (EventPublisher) events -> published.addAll(events), Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(300));

    private Outcome deliverAt(Instant timestamp) {
        String encrypted = wecom.crypto.encrypt(Fixtures.wecomEvent("add_external_contact.xml", AwsEmulators.CORP_ID), new byte[16]);
        var request = wecom.postEncrypted(encrypted, timestamp);
        return service.receive(request.getQueryStringParameters(), request.getBody());
    }

    @Test
    void theTimestampWindowIsInclusiveOfItsEdgeOnBothSides() {
        assertThat(deliverAt(NOW.minusSeconds(300))).isInstanceOf(Outcome.Accepted.class);
        markers.clear();
        assertThat(deliverAt(NOW.plusSeconds(300))).isInstanceOf(Outcome.Accepted.class);
        assertThat(deliverAt(NOW.minusSeconds(301))).isEqualTo(new Outcome.Rejected(Check.TIMESTAMP,
                "timestamp: timestamp is 301 s away from now (window 300 s)"));
        assertThat(deliverAt(NOW.plusSeconds(301))).isInstanceOf(Outcome.Rejected.class);
    }

    @Test
    void aDeliveryWhileAnotherHoldsTheClaimAsksForARetryAndPublishesNothing() {
        String key = AwsEmulators.CORP_ID + "#callback#"
                + ((Outcome.Accepted) deliverAt(NOW)).eventId();
        published.clear();
        markers.put(key, "IN_PROGRESS");
        assertThat(deliverAt(NOW)).isInstanceOf(Outcome.RetryLater.class);
        assertThat(published).isEmpty();
        assertThat(markers).containsEntry(key, "IN_PROGRESS");
    }

    @Test
    void theIdempotencyKeyStartsWithTheCorpId() {
        deliverAt(NOW);
        assertThat(markers.keySet()).singleElement().asString().startsWith(AwsEmulators.CORP_ID + "#callback#1403610513-");
    }
}
