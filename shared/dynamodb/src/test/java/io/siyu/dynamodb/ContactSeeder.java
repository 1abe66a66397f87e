package io.siyu.dynamodb;

import io.siyu.core.contacts.Relationship;
import io.siyu.core.contacts.RelationshipStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Writes relationship items in the Contacts table's documented layout
 * ({@link ContactItems#relationshipItem}), as attribution does, for tests and benchmarks that
 * need an audience. Shared with other modules as this module's test jar.
 */
public final class ContactSeeder {

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final String corpId;

    public ContactSeeder(DynamoDbClient dynamoDb, String table, String corpId) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.corpId = corpId;
    }

    public static Relationship relationship(String corpId, String externalUserId, String userId, RelationshipStatus status,
                                            String channelId, Set<String> tagIds, Instant addedAt) {
        return new Relationship(corpId, externalUserId, userId, status, channelId, null, addedAt, addedAt,
                status == RelationshipStatus.LOST ? addedAt.plusSeconds(60) : null, null, 1, tagIds);
    }

    public Relationship active(String externalUserId, String userId, Instant addedAt) {
        return relationship(corpId, externalUserId, userId, RelationshipStatus.ACTIVE, null, Set.of(), addedAt);
    }

    public ContactSeeder put(Relationship... relationships) {
        return putAll(List.of(relationships));
    }

    /** BatchWriteItem, 25 at a time, retrying unprocessed items. */
    public ContactSeeder putAll(List<Relationship> relationships) {
        List<WriteRequest> pending = new ArrayList<>();
        for (Relationship r : relationships) {
            pending.add(WriteRequest.builder().putRequest(p -> p.item(ContactItems.relationshipItem(r))).build());
            if (pending.size() == 25) {
                flush(pending);
                pending.clear();
            }
        }
        flush(pending);
        return this;
    }

    private void flush(List<WriteRequest> batch) {
        List<WriteRequest> left = List.copyOf(batch);
        while (!left.isEmpty()) {
            List<WriteRequest> send = left;
            Map<String, List<WriteRequest>> unprocessed = dynamoDb.batchWriteItem(b -> b.requestItems(Map.of(table, send))).unprocessedItems();
            left = unprocessed == null ? List.of() : unprocessed.getOrDefault(table, List.of());
        }
    }

    /** Marks a relationship LOST (the customer deleted the staff member). */
    public void lose(String externalUserId, String userId) {
        dynamoDb.updateItem(b -> b.tableName(table)
                .key(Map.of(ContactItems.PK, AttributeValue.fromS(ContactItems.pk(corpId, externalUserId)),
                        ContactItems.SK, AttributeValue.fromS(ContactItems.REL + userId)))
                .updateExpression("SET #s = :lost").expressionAttributeNames(Map.of("#s", ContactItems.STATUS))
                .expressionAttributeValues(Map.of(":lost", AttributeValue.fromS(RelationshipStatus.LOST.name()))));
    }
}
