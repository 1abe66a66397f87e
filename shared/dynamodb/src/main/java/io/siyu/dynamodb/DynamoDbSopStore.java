package io.siyu.dynamodb;

import static io.siyu.dynamodb.Items.n;
import static io.siyu.dynamodb.Items.s;

import io.siyu.core.sop.Run;
import io.siyu.core.sop.Sop;
import io.siyu.core.sop.SopStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** {@link SopStore} over the SOP table ({@link SopItems}). */
public final class DynamoDbSopStore implements SopStore {

    private final DynamoDbClient dynamoDb;
    private final String table;

    public DynamoDbSopStore(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    @Override
    public boolean create(Sop sop) {
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(SopItems.sopItem(sop)).conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    @Override
    public Optional<Sop> get(String corpId, String sopId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).key(SopItems.sopKey(corpId, sopId))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(SopItems.sop(corpId, item));
    }

    @Override
    public List<Sop> list(String corpId) {
        List<Sop> out = new ArrayList<>();
        query(corpId, SopItems.SOP, Integer.MAX_VALUE).forEach(i -> out.add(SopItems.sop(corpId, i)));
        return out;
    }

    @Override
    public boolean replace(Sop sop, long expectedVersion) {
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(SopItems.sopItem(sop))
                    .conditionExpression("#v = :expected")
                    .expressionAttributeNames(Map.of("#v", SopItems.VERSION))
                    .expressionAttributeValues(Map.of(":expected", n(expectedVersion))));
            return true;
        } catch (ConditionalCheckFailedException goneOrChanged) {
            return false;
        }
    }

    @Override
    public boolean delete(String corpId, String sopId) {
        try {
            dynamoDb.deleteItem(b -> b.tableName(table).key(SopItems.sopKey(corpId, sopId)).conditionExpression("attribute_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException absent) {
            return false;
        }
    }

    @Override
    public List<Run> runs(String corpId, String sopId, String stepId, int limit) {
        return query(corpId + "#" + sopId, SopItems.RUN + stepId + "#", limit).stream().map(SopItems::run).toList();
    }

    private List<Map<String, AttributeValue>> query(String pk, String prefix, int limit) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = dynamoDb.query(b -> b.tableName(table)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                    .expressionAttributeValues(Map.of(":pk", s(pk), ":prefix", s(prefix)))
                    .exclusiveStartKey(from).consistentRead(true));
            for (var item : page.items()) {
                if (out.size() < limit) {
                    out.add(item);
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && out.size() < limit);
        return out;
    }
}
