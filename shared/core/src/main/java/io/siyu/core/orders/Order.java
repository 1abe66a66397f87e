package io.siyu.core.orders;

import java.time.Instant;
import java.util.Objects;

/**
 * One order as Siyu stores it: what the order system sent, plus the customer it was attributed to.
 *
 * @param source the order source that sent it (the HMAC key it was signed with); it owns the order
 * @param customer whose order it is for RFM (external_userid when known, else unionid)
 * @param externalUserId as sent, or null
 * @param unionId as sent, or null
 * @param amountFen the order amount in fen (分), never negative
 * @param refundedFen refunded so far: the whole amount when REFUNDED, part of it when PARTIALLY_REFUNDED, else 0
 * @param paidAt when it was paid; null only for an order cancelled before payment
 * @param updatedAt the order system's version of the order: a newer one replaces, an older or equal one is ignored
 */
public record Order(String corpId, String orderId, String source, CustomerRef customer, String externalUserId,
                    String unionId, long amountFen, long refundedFen, String currency, OrderStatus status,
                    Instant paidAt, Instant updatedAt) {

    /** The only currency M is summed in: orders in another currency are refused, never mixed. */
    public static final String CURRENCY = "CNY";

    public Order {
        Objects.requireNonNull(corpId, "corpId");
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(customer, "customer");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** One of the customer's paid orders (F), adding {@link #netFen()} to M. */
    public boolean countsAsPaid() {
        return status.countsAsPaid() && paidAt != null;
    }

    /** The amount net of refunds. */
    public long netFen() {
        return amountFen - refundedFen;
    }
}
