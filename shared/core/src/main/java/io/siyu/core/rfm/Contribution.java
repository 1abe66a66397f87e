package io.siyu.core.rfm;

import io.siyu.core.orders.CustomerRef;
import io.siyu.core.orders.Order;
import java.time.Instant;
import java.util.Optional;

/**
 * What one order adds to its customer's totals: one paid order, its net amount, its paid time.
 * Orders that are not paid (refunded in full, cancelled) add nothing and have no contribution.
 */
public record Contribution(CustomerRef customer, String orderId, long netFen, Instant paidAt) {

    public static Optional<Contribution> of(Order order) {
        if (order == null || !order.countsAsPaid()) {
            return Optional.empty();
        }
        return Optional.of(new Contribution(order.customer(), order.orderId(), order.netFen(), order.paidAt()));
    }

    boolean isFor(CustomerRef c) {
        return customer.equals(c);
    }
}
