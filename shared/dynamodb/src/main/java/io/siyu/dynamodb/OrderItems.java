package io.siyu.dynamodb;

import static io.siyu.dynamodb.Items.instant;
import static io.siyu.dynamodb.Items.n;
import static io.siyu.dynamodb.Items.num;
import static io.siyu.dynamodb.Items.putIfPresent;
import static io.siyu.dynamodb.Items.s;
import static io.siyu.dynamodb.Items.str;

import io.siyu.core.orders.CustomerRef;
import io.siyu.core.orders.Order;
import io.siyu.core.orders.OrderStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The Orders table's item layout (docs/tables.md): one item per order, {@code pk = corpId#orderId}.
 * Orders that count as paid also carry the keys of the sparse index ByCustomerPaidTime
 * ({@code paidCustomer = corpId#customerKey}, {@code paidSort = zero-padded paid millis#orderId}),
 * so a customer's latest paid order is one Query away.
 */
public final class OrderItems {

    public static final String PK = "pk";
    public static final String ORDER_ID = "orderId";
    public static final String SOURCE = "source";
    public static final String CUSTOMER = "customer";
    public static final String EXTERNAL_USER_ID = "externalUserId";
    public static final String UNION_ID = "unionId";
    public static final String AMOUNT_FEN = "amountFen";
    public static final String REFUNDED_FEN = "refundedFen";
    public static final String CURRENCY = "currency";
    public static final String STATUS = "status";
    public static final String PAID_AT = "paidAt";
    public static final String UPDATED_AT = "updatedAt";
    public static final String RECEIVED_AT = "receivedAt";
    public static final String PAID_CUSTOMER = "paidCustomer";
    public static final String PAID_SORT = "paidSort";

    public static final String BY_CUSTOMER_PAID_TIME = "ByCustomerPaidTime";

    private OrderItems() {}

    public static String pk(String corpId, String orderId) {
        return corpId + "#" + orderId;
    }

    public static String paidCustomer(String corpId, CustomerRef customer) {
        return corpId + "#" + customer.key();
    }

    /** Sorts by paid time (zero-padded epoch millis), the order id making equal times distinct. */
    public static String paidSort(Instant paidAt, String orderId) {
        return String.format("%013d#%s", paidAt.toEpochMilli(), orderId);
    }

    public static Map<String, AttributeValue> item(Order o, Instant receivedAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(pk(o.corpId(), o.orderId())));
        item.put(ORDER_ID, s(o.orderId()));
        putIfPresent(item, SOURCE, o.source());
        item.put(CUSTOMER, s(o.customer().key()));
        putIfPresent(item, EXTERNAL_USER_ID, o.externalUserId());
        putIfPresent(item, UNION_ID, o.unionId());
        item.put(AMOUNT_FEN, n(o.amountFen()));
        item.put(REFUNDED_FEN, n(o.refundedFen()));
        putIfPresent(item, CURRENCY, o.currency());
        item.put(STATUS, s(o.status().name()));
        putIfPresent(item, PAID_AT, o.paidAt());
        item.put(UPDATED_AT, n(o.updatedAt().toEpochMilli()));
        item.put(RECEIVED_AT, n(receivedAt.toEpochMilli()));
        if (o.countsAsPaid()) {
            item.put(PAID_CUSTOMER, s(paidCustomer(o.corpId(), o.customer())));
            item.put(PAID_SORT, s(paidSort(o.paidAt(), o.orderId())));
        }
        return item;
    }

    public static Order order(Map<String, AttributeValue> item) {
        String pk = str(item, PK);
        String corpId = pk.substring(0, pk.indexOf('#'));
        return new Order(corpId, str(item, ORDER_ID), str(item, SOURCE), CustomerRef.parse(str(item, CUSTOMER)),
                str(item, EXTERNAL_USER_ID), str(item, UNION_ID), num(item, AMOUNT_FEN, 0), num(item, REFUNDED_FEN, 0),
                str(item, CURRENCY), OrderStatus.valueOf(str(item, STATUS)), instant(item, PAID_AT), instant(item, UPDATED_AT));
    }
}
