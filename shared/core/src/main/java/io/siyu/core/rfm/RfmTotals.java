package io.siyu.core.rfm;

import java.time.Instant;

/**
 * What a customer's paid orders add up to: how many (F), their amount net of refunds in fen (M)
 * and when the latest was paid (R's basis). The zero value has no last paid time.
 */
public record RfmTotals(long paidOrders, long paidFen, Instant lastPaidAt) {

    public static final RfmTotals NONE = new RfmTotals(0, 0, null);

    public boolean hasPaidOrders() {
        return paidOrders > 0;
    }
}
