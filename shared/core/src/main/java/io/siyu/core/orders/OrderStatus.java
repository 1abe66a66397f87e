package io.siyu.core.orders;

/** Where an order stands, as the order system reports it (docs/orders.md). */
public enum OrderStatus {
    /** Paid in full: counts as one paid order for its whole amount. */
    PAID,
    /** Paid, then part of it refunded: still one paid order, for the amount net of the refund. */
    PARTIALLY_REFUNDED,
    /** Paid, then refunded in full: counts for nothing. */
    REFUNDED,
    /** Never completed: counts for nothing. */
    CANCELLED;

    /** Whether an order in this status is one of the customer's paid orders (F) and adds to M. */
    public boolean countsAsPaid() {
        return this == PAID || this == PARTIALLY_REFUNDED;
    }
}
