package io.siyu.core.events;

import io.siyu.core.orders.CustomerRef;
import io.siyu.core.rfm.RfmTransition;
import java.time.Instant;

/**
 * A customer's RFM segment or lifecycle stage changed (published by the rfm function). Null
 * segment and stage mean "none": the customer has no paid order (left) or had none before.
 *
 * @param externalUserId the customer, when known as a WeCom contact
 * @param unionId the customer's WeChat unionid, when the orders name them only by it
 * @param reason ORDER (an order changed) or RECENCY (time passed)
 */
public record RfmSegmentChanged(String eventId, String corpId, Instant occurredAt, String externalUserId,
                                String unionId, String fromSegment, String toSegment, String fromStage,
                                String toStage, Integer recencyScore, Integer frequencyScore, Integer monetaryScore,
                                String reason) implements DomainEvent {

    @Override
    public String eventSource() {
        return "siyu.rfm";
    }

    /** The event of one transition; its id is derived from the transition, so a republication carries the same id. */
    public static RfmSegmentChanged of(String corpId, CustomerRef customer, RfmTransition t) {
        return new RfmSegmentChanged(
                "rfm-" + customer.key() + "-" + t.version() + "-" + t.at().toEpochMilli(),
                corpId, t.at(),
                customer.isExternalUser() ? customer.id() : null,
                customer.isExternalUser() ? null : customer.id(),
                t.fromSegment() == null ? null : t.fromSegment().name(),
                t.toSegment() == null ? null : t.toSegment().name(),
                t.fromStage() == null ? null : t.fromStage().name(),
                t.toStage() == null ? null : t.toStage().name(),
                t.scores() == null ? null : t.scores().recency(),
                t.scores() == null ? null : t.scores().frequency(),
                t.scores() == null ? null : t.scores().monetary(),
                t.reason().name());
    }
}
