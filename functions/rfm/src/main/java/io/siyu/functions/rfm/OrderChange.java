package io.siyu.functions.rfm;

import io.siyu.core.orders.Order;

/**
 * One change of one order, as the Orders stream reports it: the order before (null on insert)
 * and after (null on delete).
 *
 * @param eventId the stream record's id, the same on every delivery of the record
 */
record OrderChange(String eventId, Order before, Order after) {

    String orderId() {
        return after != null ? after.orderId() : before.orderId();
    }
}
