package io.siyu.dynamodb;

import static io.siyu.dynamodb.ContactItems.PK;
import static io.siyu.dynamodb.ContactItems.SK;
import static io.siyu.dynamodb.Items.s;

import io.siyu.core.contacts.ContactDirectory;
import io.siyu.core.contacts.Customer;
import io.siyu.core.contacts.CustomerNames;
import io.siyu.core.contacts.Relationship;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** {@link ContactDirectory} over the Contacts table: one GetItem or Query (of the table or an index) per call. */
public final class DynamoDbContactDirectory implements ContactDirectory {

    private final DynamoDbClient dynamoDb;
    private final String table;

    public DynamoDbContactDirectory(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    @Override
    public Optional<Customer> customer(String corpId, String externalUserId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table)
                .key(Map.of(PK, s(ContactItems.pk(corpId, externalUserId)), SK, s(ContactItems.PROFILE)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(ContactItems.customer(corpId, item));
    }

    @Override
    public List<Relationship> relationships(String corpId, String externalUserId) {
        List<Relationship> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = dynamoDb.query(b -> b.tableName(table)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :rel)")
                    .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                    .expressionAttributeValues(Map.of(":pk", s(ContactItems.pk(corpId, externalUserId)), ":rel", s(ContactItems.REL)))
                    .exclusiveStartKey(from));
            page.items().forEach(i -> out.add(ContactItems.relationship(corpId, i)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    @Override
    public List<Customer> customersByName(String corpId, String prefix, int limit) {
        String key = CustomerNames.searchKey(prefix);
        if (key == null || limit <= 0) {
            return List.of();
        }
        List<Customer> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = dynamoDb.query(b -> b.tableName(table).indexName(ContactItems.BY_NAME)
                    .keyConditionExpression("#k = :corp AND begins_with(#s, :prefix)")
                    .expressionAttributeNames(Map.of("#k", ContactItems.NAME_KEY, "#s", ContactItems.NAME_SORT))
                    .expressionAttributeValues(Map.of(":corp", s(corpId), ":prefix", s(key)))
                    .limit(limit - out.size()).exclusiveStartKey(from));
            page.items().forEach(i -> out.add(ContactItems.customer(corpId, i)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && out.size() < limit);
        return out;
    }

    @Override
    public Optional<Customer> customerByUnionId(String corpId, String unionId) {
        var page = dynamoDb.query(b -> b.tableName(table).indexName(ContactItems.BY_UNION_ID)
                .keyConditionExpression("#u = :u")
                .expressionAttributeNames(Map.of("#u", ContactItems.UNION_KEY))
                .expressionAttributeValues(Map.of(":u", s(corpId + "#" + unionId))).limit(1));
        if (page.items().isEmpty()) {
            return Optional.empty();
        }
        String pk = page.items().get(0).get(PK).s();
        return customer(corpId, pk.substring(corpId.length() + 1));
    }
}
