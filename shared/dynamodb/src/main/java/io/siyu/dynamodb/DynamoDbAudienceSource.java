package io.siyu.dynamodb;

import static io.siyu.dynamodb.Items.instant;
import static io.siyu.dynamodb.Items.s;
import static io.siyu.dynamodb.Items.str;
import static io.siyu.dynamodb.Items.stringSet;

import io.siyu.core.contacts.RelationshipStatus;
import io.siyu.core.sop.AudienceSource;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * {@link AudienceSource} over the Contacts table's ByStaff and ByAddedDay indexes (one Query per
 * page, never a scan). A member's position is its index sort key, from which the full
 * ExclusiveStartKey (index keys and table keys) is rebuilt.
 */
public final class DynamoDbAudienceSource implements AudienceSource {

    private final DynamoDbClient dynamoDb;
    private final String table;

    public DynamoDbAudienceSource(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    @Override
    public Page staffCustomers(String corpId, String userId, String after, int limit) {
        Map<String, AttributeValue> start = null;
        if (after != null) {
            start = new HashMap<>();
            start.put(ContactItems.STAFF_KEY, s(ContactItems.staffKey(corpId, userId)));
            start.put(ContactItems.EXTERNAL_USER_ID, s(after));
            start.put(ContactItems.PK, s(ContactItems.pk(corpId, after)));
            start.put(ContactItems.SK, s(ContactItems.REL + userId));
        }
        Map<String, AttributeValue> from = start;
        QueryResponse page = dynamoDb.query(b -> b.tableName(table).indexName(ContactItems.BY_STAFF)
                .keyConditionExpression("#k = :k")
                .expressionAttributeNames(Map.of("#k", ContactItems.STAFF_KEY))
                .expressionAttributeValues(Map.of(":k", s(ContactItems.staffKey(corpId, userId))))
                .exclusiveStartKey(from).limit(limit));
        List<Member> members = page.items().stream().map(i -> member(i, str(i, ContactItems.EXTERNAL_USER_ID))).toList();
        return new Page(members, hasMore(page) ? str(page.lastEvaluatedKey(), ContactItems.EXTERNAL_USER_ID) : null);
    }

    @Override
    public Page addedBetween(String corpId, LocalDate day, Instant from, Instant to, String after, int limit) {
        Map<String, AttributeValue> start = null;
        if (after != null) {
            String[] sort = after.split("#", 3); // millis#externalUserId#userId
            start = new HashMap<>();
            start.put(ContactItems.ADDED_DAY, s(ContactItems.addedDay(corpId, day)));
            start.put(ContactItems.ADDED_SORT, s(after));
            start.put(ContactItems.PK, s(ContactItems.pk(corpId, sort[1])));
            start.put(ContactItems.SK, s(ContactItems.REL + sort[2]));
        }
        Map<String, AttributeValue> startKey = start;
        QueryResponse page = dynamoDb.query(b -> addedQuery(b, corpId, day, from, to).exclusiveStartKey(startKey).limit(limit));
        List<Member> members = page.items().stream().map(i -> member(i, str(i, ContactItems.ADDED_SORT))).toList();
        return new Page(members, hasMore(page) ? str(page.lastEvaluatedKey(), ContactItems.ADDED_SORT) : null);
    }

    @Override
    public boolean anyAddedBetween(String corpId, LocalDate day, Instant from, Instant to) {
        return dynamoDb.query(b -> addedQuery(b, corpId, day, from, to).limit(1)).count() > 0;
    }

    /** {@code from <= addedAt < to}: sort keys start with the zero-padded millis, then {@code #}. */
    private software.amazon.awssdk.services.dynamodb.model.QueryRequest.Builder addedQuery(
            software.amazon.awssdk.services.dynamodb.model.QueryRequest.Builder b, String corpId, LocalDate day, Instant from, Instant to) {
        String lo = String.format("%013d", from.toEpochMilli());
        String hi = String.format("%013d", to.toEpochMilli() - 1) + "$"; // '$' sorts after '#'
        return b.tableName(table).indexName(ContactItems.BY_ADDED_DAY)
                .keyConditionExpression("#d = :d AND #s BETWEEN :lo AND :hi")
                .expressionAttributeNames(Map.of("#d", ContactItems.ADDED_DAY, "#s", ContactItems.ADDED_SORT))
                .expressionAttributeValues(Map.of(":d", s(ContactItems.addedDay(corpId, day)), ":lo", s(lo), ":hi", s(hi)));
    }

    /** ByAddedDay does not project externalUserId; the table key {@code corpId#externalUserId} carries it. */
    private static Member member(Map<String, AttributeValue> i, String position) {
        String pk = str(i, ContactItems.PK);
        return new Member(pk.substring(pk.indexOf('#') + 1), str(i, ContactItems.USER_ID),
                RelationshipStatus.valueOf(str(i, ContactItems.STATUS)), str(i, ContactItems.CHANNEL_ID),
                stringSet(i, ContactItems.TAG_IDS), instant(i, ContactItems.ADDED_AT), position);
    }

    private static boolean hasMore(QueryResponse page) {
        return page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty();
    }
}
