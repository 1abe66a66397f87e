package io.siyu.core.orders;

import java.time.Instant;
import java.util.Optional;

/** The orders as the order systems last reported them (the Orders table). */
public interface OrderRepository {

    enum PutResult {
        /** A new order. */
        CREATED,
        /** A newer version ({@code updatedAt}) replaced the stored one. */
        REPLACED,
        /** The stored version is as new or newer: nothing was written. */
        STALE,
        /** Another source sent this order id first and owns it: nothing was written. */
        OWNED_BY_OTHER_SOURCE
    }

    /** Writes the order unless the stored one is as new or newer, or belongs to another source. */
    PutResult put(Order order, Instant receivedAt);

    /**
     * When the customer's latest paid order other than {@code excludingOrderId} was paid, found
     * through the paid-orders index (never a scan); empty when they have no other paid order.
     */
    Optional<Instant> latestPaidAt(String corpId, CustomerRef customer, String excludingOrderId);

    /**
     * Re-attributes every paid order of {@code from} to {@code to} (a unionid that became a
     * known contact). Each moved order is one stream record, so RFM moves its contribution.
     *
     * @return how many orders were moved
     */
    int moveCustomer(String corpId, CustomerRef from, CustomerRef to);
}
