package io.siyu.functions.orders;

import io.siyu.core.orders.CustomerRef;
import io.siyu.core.orders.Order;
import io.siyu.core.orders.OrderStatus;
import java.time.Instant;

/** A valid order as received, before it is attributed to a customer. */
record OrderDraft(String orderId, String externalUserId, String unionId, long amountFen, long refundedFen,
                  String currency, OrderStatus status, Instant paidAt, Instant updatedAt) {

    Order attributedTo(String corpId, String source, CustomerRef customer) {
        return new Order(corpId, orderId, source, customer, externalUserId, unionId, amountFen, refundedFen, currency,
                status, paidAt, updatedAt);
    }
}
