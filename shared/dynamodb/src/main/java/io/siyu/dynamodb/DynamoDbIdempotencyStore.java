package io.siyu.dynamodb;

import io.siyu.core.ports.IdempotencyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Idempotency markers in the idempotency table: one item per unit of work, {@code pk} = the key,
 * {@code status} IN_PROGRESS (with a lease) or COMPLETED, and {@code expiresAt} for DynamoDB's TTL.
 * TTL deletes late, so an expired marker counts as absent.
 */
public final class DynamoDbIdempotencyStore implements IdempotencyStore {

    static final String PK = "pk";
    static final String STATUS = "status";
    static final String LEASE_UNTIL = "leaseUntil";
    static final String EXPIRES_AT = "expiresAt";
    static final String IN_PROGRESS = "IN_PROGRESS";
    static final String COMPLETED = "COMPLETED";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Duration lease;
    private final Duration retention;

    /**
     * @param lease how long a claim keeps others out if its owner dies without completing
     * @param retention how long a completed marker suppresses redeliveries
     */
    public DynamoDbIdempotencyStore(DynamoDbClient dynamoDb, String table, Duration lease, Duration retention) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.lease = lease;
        this.retention = retention;
    }

    @Override
    public Claim claim(String key, Instant now) {
        try {
            dynamoDb.putItem(b -> b.tableName(table)
                    .item(Map.of(
                            PK, s(key),
                            STATUS, s(IN_PROGRESS),
                            LEASE_UNTIL, n(now.plus(lease).getEpochSecond()),
                            EXPIRES_AT, n(now.plus(retention).getEpochSecond())))
                    .conditionExpression("attribute_not_exists(#pk) OR #exp < :now OR (#status = :inProgress AND #lease < :now)")
                    .expressionAttributeNames(Map.of("#pk", PK, "#exp", EXPIRES_AT, "#status", STATUS, "#lease", LEASE_UNTIL))
                    .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond()), ":inProgress", s(IN_PROGRESS)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return Claim.ACQUIRED;
        } catch (ConditionalCheckFailedException taken) {
            Map<String, AttributeValue> existing = taken.hasItem() ? taken.item()
                    : dynamoDb.getItem(b -> b.tableName(table).key(Map.of(PK, s(key))).consistentRead(true)).item();
            String status = existing == null || existing.get(STATUS) == null ? IN_PROGRESS : existing.get(STATUS).s();
            return COMPLETED.equals(status) ? Claim.ALREADY_DONE : Claim.IN_PROGRESS;
        }
    }

    /**
     * A completed marker as one item of a caller's transaction, for work whose effect is a
     * DynamoDB write: the write and the marker commit together or not at all. The put fails its
     * condition when the key was completed before (and has not expired), so the transaction is
     * cancelled and the caller knows the work was done.
     */
    public TransactWriteItem completedOnce(String key, Instant now) {
        return TransactWriteItem.builder().put(p -> p.tableName(table)
                .item(Map.of(PK, s(key), STATUS, s(COMPLETED), EXPIRES_AT, n(now.plus(retention).getEpochSecond())))
                .conditionExpression("attribute_not_exists(#pk) OR #exp < :now")
                .expressionAttributeNames(Map.of("#pk", PK, "#exp", EXPIRES_AT))
                .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond())))).build();
    }

    /** Whether the work under {@code key} was completed (and the marker has not expired), read consistently. */
    public boolean isCompleted(String key, Instant now) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).key(Map.of(PK, s(key))).consistentRead(true)).item();
        return item != null && item.get(STATUS) != null && COMPLETED.equals(item.get(STATUS).s())
                && (item.get(EXPIRES_AT) == null || Long.parseLong(item.get(EXPIRES_AT).n()) >= now.getEpochSecond());
    }

    @Override
    public void complete(String key, Instant now) {
        dynamoDb.updateItem(b -> b.tableName(table)
                .key(Map.of(PK, s(key)))
                .updateExpression("SET #status = :completed, #exp = :exp REMOVE #lease")
                .expressionAttributeNames(Map.of("#status", STATUS, "#exp", EXPIRES_AT, "#lease", LEASE_UNTIL))
                .expressionAttributeValues(Map.of(":completed", s(COMPLETED), ":exp", n(now.plus(retention).getEpochSecond()))));
    }

    @Override
    public void release(String key) {
        try {
            dynamoDb.deleteItem(b -> b.tableName(table)
                    .key(Map.of(PK, s(key)))
                    .conditionExpression("#status = :inProgress")
                    .expressionAttributeNames(Map.of("#status", STATUS))
                    .expressionAttributeValues(Map.of(":inProgress", s(IN_PROGRESS))));
        } catch (ConditionalCheckFailedException alreadyCompletedOrGone) {
            // nothing of ours to release
        }
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }
}
