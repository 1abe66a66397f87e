package io.siyu.eventbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.siyu.core.events.ContactAdded;
import io.siyu.core.events.ContactRemoved;
import io.siyu.core.events.DomainEvent;
import io.siyu.core.events.GroupMemberJoined;
import io.siyu.core.ports.EventPublisher.PublishFailed;
import io.siyu.emulators.EventBridgeStub.Failure;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import io.siyu.testing.PublishedEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class EventBridgePublisherTest {

    private AwsEmulators aws;
    private EventBridgePublisher publisher;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        this.aws = aws;
        aws.reset();
        publisher = new EventBridgePublisher(aws.eventBridge(), aws.stack().ref("SiyuEventBus"));
    }

    private static ContactAdded added(int i) {
        return new ContactAdded("e" + i, "ww1", Instant.parse("2026-11-23T04:00:00Z"), "staff", "wm" + i, "c_1", null, false);
    }

    @Test
    void publishesMoreThanTenEventsInBatchesAndKeepsTheirOrder() {
        List<DomainEvent> events = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            events.add(added(i));
        }
        publisher.publish(events);
        List<PublishedEvent> got = aws.publishedEvents();
        assertThat(got).hasSize(23);
        assertThat(got).extracting(e -> DomainEventJson.fromDetail(e.detailType(), e.detail())).containsExactlyElementsOf(events);
    }

    @Test
    void everyEventTypeRoundTripsThroughTheBus() {
        List<DomainEvent> events = List.of(added(1),
                new ContactRemoved("e2", "ww1", Instant.EPOCH, "u", "wm", ContactRemoved.RemovedBy.STAFF, "DELETE_BY_TRANSFER"),
                new GroupMemberJoined("e3", "ww1", Instant.EPOCH, "wr1", List.of("a", "b"), 3, 2, "v1", "v2"));
        publisher.publish(events);
        assertThat(aws.publishedEvents()).extracting(e -> DomainEventJson.fromDetail(e.detailType(), e.detail()))
                .containsExactlyElementsOf(events);
        assertThat(aws.publishedEvents()).extracting(PublishedEvent::source).containsOnly("siyu.wecom");
    }

    @Test
    void failedEntriesAreAFailureNotASuccess() {
        assumeTrue(aws.canInjectEventBridgeFailures());
        aws.failNextPutEvents(Failure.ENTRY_FAILED);
        assertThatThrownBy(() -> publisher.publish(added(1))).isInstanceOf(PublishFailed.class)
                .hasMessageContaining("1 of 1 entries were not accepted");
    }

    @Test
    void unknownDetailTypesAndBadDetailsAreRefused() {
        assertThatThrownBy(() -> DomainEventJson.fromDetail("Nope", "{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DomainEventJson.fromDetail("ContactAdded", "[1]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DomainEventJson.fromDetail("ContactAdded", "{\"occurredAt\": \"yesterday\"}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
