package io.siyu.dynamodb;

import static io.siyu.dynamodb.Items.n;
import static io.siyu.dynamodb.Items.s;
import static io.siyu.dynamodb.OrderItems.PK;

import io.siyu.core.orders.CustomerRef;
import io.siyu.core.orders.Order;
import io.siyu.core.orders.OrderRepository;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/** {@link OrderRepository} over the Orders table (layout: {@link OrderItems}). */
public final class DynamoDbOrders implements OrderRepository {

    /** Index entries read per page while looking for the latest paid order. */
    private static final int PAGE = 5;

    private final DynamoDbClient dynamoDb;
    private final String table;

    public DynamoDbOrders(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    @Override
    public PutResult put(Order order, Instant receivedAt) {
        try {
            var response = dynamoDb.putItem(b -> b.tableName(table).item(OrderItems.item(order, receivedAt))
                    // The first source to send an order id owns it; a newer version replaces, an older or equal one does not.
                    .conditionExpression("attribute_not_exists(#pk) OR (#source = :source AND #updatedAt < :updatedAt)")
                    .expressionAttributeNames(Map.of("#pk", PK, "#source", OrderItems.SOURCE, "#updatedAt", OrderItems.UPDATED_AT))
                    .expressionAttributeValues(Map.of(":source", s(order.source()), ":updatedAt", n(order.updatedAt().toEpochMilli())))
                    .returnValues(ReturnValue.ALL_OLD)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return response.hasAttributes() && !response.attributes().isEmpty() ? PutResult.REPLACED : PutResult.CREATED;
        } catch (ConditionalCheckFailedException refused) {
            Map<String, AttributeValue> stored = refused.hasItem() ? refused.item()
                    : dynamoDb.getItem(b -> b.tableName(table).key(key(order.corpId(), order.orderId())).consistentRead(true)).item();
            String owner = stored == null ? null : Items.str(stored, OrderItems.SOURCE);
            return owner != null && !owner.equals(order.source()) ? PutResult.OWNED_BY_OTHER_SOURCE : PutResult.STALE;
        }
    }

    /**
     * Walks the customer's paid orders newest first through the index. The index is eventually
     * consistent, so each candidate is confirmed with a consistent read of the order itself:
     * an order refunded a moment ago may still be listed, and is skipped.
     */
    @Override
    public Optional<Instant> latestPaidAt(String corpId, CustomerRef customer, String excludingOrderId) {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamoDb.query(b -> b.tableName(table).indexName(OrderItems.BY_CUSTOMER_PAID_TIME)
                    .keyConditionExpression("#c = :c")
                    .expressionAttributeNames(Map.of("#c", OrderItems.PAID_CUSTOMER))
                    .expressionAttributeValues(Map.of(":c", s(OrderItems.paidCustomer(corpId, customer))))
                    .scanIndexForward(false).limit(PAGE).exclusiveStartKey(from));
            for (Map<String, AttributeValue> entry : page.items()) {
                String pk = entry.get(PK).s();
                if (pk.equals(OrderItems.pk(corpId, excludingOrderId))) {
                    continue;
                }
                Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table)
                        .key(Map.of(PK, s(pk))).consistentRead(true)).item();
                if (item == null || item.isEmpty()) {
                    continue;
                }
                Order order = OrderItems.order(item);
                if (order.countsAsPaid() && order.customer().equals(customer)) {
                    return Optional.of(order.paidAt());
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return Optional.empty();
    }

    @Override
    public int moveCustomer(String corpId, CustomerRef from, CustomerRef to) {
        int moved = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> page = start;
            QueryResponse r = dynamoDb.query(b -> b.tableName(table).indexName(OrderItems.BY_CUSTOMER_PAID_TIME)
                    .keyConditionExpression("#c = :c")
                    .expressionAttributeNames(Map.of("#c", OrderItems.PAID_CUSTOMER))
                    .expressionAttributeValues(Map.of(":c", s(OrderItems.paidCustomer(corpId, from))))
                    .exclusiveStartKey(page));
            for (Map<String, AttributeValue> entry : r.items()) {
                try {
                    dynamoDb.updateItem(b -> b.tableName(table).key(Map.of(PK, entry.get(PK)))
                            .updateExpression("SET #customer = :to, #paidCustomer = :paidTo")
                            .conditionExpression("#customer = :from AND attribute_exists(#paidCustomer)")
                            .expressionAttributeNames(Map.of("#customer", OrderItems.CUSTOMER, "#paidCustomer", OrderItems.PAID_CUSTOMER))
                            .expressionAttributeValues(Map.of(":to", s(to.key()), ":from", s(from.key()),
                                    ":paidTo", s(OrderItems.paidCustomer(corpId, to)))));
                    moved++;
                } catch (ConditionalCheckFailedException changedMeanwhile) {
                    // refunded or moved since the index listed it: nothing to move
                }
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return moved;
    }

    private static Map<String, AttributeValue> key(String corpId, String orderId) {
        return Map.of(PK, s(OrderItems.pk(corpId, orderId)));
    }
}
