package io.siyu.dynamodb;

import static io.siyu.dynamodb.Items.n;
import static io.siyu.dynamodb.Items.s;
import static io.siyu.dynamodb.RfmItems.PK;
import static io.siyu.dynamodb.RfmItems.SK;

import io.siyu.core.orders.CustomerRef;
import io.siyu.core.rfm.LifecycleStage;
import io.siyu.core.rfm.RfmRepository;
import io.siyu.core.rfm.RfmState;
import io.siyu.core.rfm.RfmThresholds;
import io.siyu.core.rfm.RfmTransition;
import io.siyu.core.rfm.Segment;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

/** {@link RfmRepository} over the Rfm table (layout: {@link RfmItems}). */
public final class DynamoDbRfmRepository implements RfmRepository {

    private static final String CONDITION_FAILED = "ConditionalCheckFailed";
    private static final String TRANSACTION_CONFLICT = "TransactionConflict";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final DynamoDbIdempotencyStore markers;

    /**
     * @param markers where once-keys of {@link #commit} are kept; null for readers that never commit with one
     */
    public DynamoDbRfmRepository(DynamoDbClient dynamoDb, String table, DynamoDbIdempotencyStore markers) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.markers = markers;
    }

    @Override
    public Optional<RfmState> state(String corpId, CustomerRef customer) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(RfmItems.key(RfmItems.customerPk(corpId, customer), RfmItems.AGG))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(RfmItems.state(item));
    }

    @Override
    public Commit commit(String corpId, String onceKey, List<Change> changes, Instant now) {
        List<TransactWriteItem> writes = new ArrayList<>();
        if (onceKey != null) {
            writes.add(markers.completedOnce(onceKey, now));
        }
        Map<String, Long> counterMoves = new LinkedHashMap<>();
        for (Change c : changes) {
            writes.add(putState(corpId, c.before(), c.after(), now));
            RfmTransition t = c.transition();
            if (t == null) {
                continue;
            }
            writes.add(TransactWriteItem.builder().put(p -> p.tableName(table)
                    .item(RfmItems.transitionItem(corpId, c.after().customer(), t))).build());
            CustomerRef who = c.after().customer();
            if (t.fromSegment() != t.toSegment()) {
                move(counterMoves, RfmItems.SEGMENT_COUNTER, t.fromSegment() == null ? null : t.fromSegment().name(), who, -1);
                move(counterMoves, RfmItems.SEGMENT_COUNTER, t.toSegment() == null ? null : t.toSegment().name(), who, 1);
            }
            if (t.fromStage() != t.toStage()) {
                move(counterMoves, RfmItems.STAGE_COUNTER, t.fromStage() == null ? null : t.fromStage().name(), who, -1);
                move(counterMoves, RfmItems.STAGE_COUNTER, t.toStage() == null ? null : t.toStage().name(), who, 1);
            }
        }
        // One item may appear once per transaction: moves on the same counter are summed first.
        counterMoves.forEach((sk, delta) -> {
            if (delta != 0) {
                writes.add(TransactWriteItem.builder().update(u -> u.tableName(table)
                        .key(RfmItems.key(RfmItems.distributionPk(corpId), sk))
                        .updateExpression("ADD #count :d")
                        .expressionAttributeNames(Map.of("#count", RfmItems.COUNT))
                        .expressionAttributeValues(Map.of(":d", n(delta)))).build());
            }
        });
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(writes));
            return Commit.APPLIED;
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
            if (reasons.isEmpty()) {
                // Some emulators leave the reasons out: the marker itself says whether this was done before.
                return onceKey != null && markers.isCompleted(onceKey, now) ? Commit.ALREADY_APPLIED : Commit.CONFLICT;
            }
            if (onceKey != null && CONDITION_FAILED.equals(reasons.get(0).code())) {
                return Commit.ALREADY_APPLIED;
            }
            if (reasons.stream().anyMatch(r -> CONDITION_FAILED.equals(r.code()) || TRANSACTION_CONFLICT.equals(r.code()))) {
                return Commit.CONFLICT;
            }
            throw e;
        } catch (TransactionConflictException e) {
            return Commit.CONFLICT;
        }
    }

    private static void move(Map<String, Long> moves, String prefix, String name, CustomerRef who, long delta) {
        if (name != null) {
            moves.merge(RfmItems.counterSk(prefix, name, who), delta, Long::sum);
        }
    }

    /** The record, written only if it is still at the version it was read at (absent for version 0). */
    private TransactWriteItem putState(String corpId, RfmState before, RfmState after, Instant now) {
        return TransactWriteItem.builder().put(p -> {
            p.tableName(table).item(RfmItems.stateItem(corpId, after, now));
            versionCondition(before.version(), p::conditionExpression, p::expressionAttributeNames, p::expressionAttributeValues);
        }).build();
    }

    private static void versionCondition(long version, Consumer<String> condition, Consumer<Map<String, String>> names,
                                         Consumer<Map<String, AttributeValue>> values) {
        if (version == 0) {
            condition.accept("attribute_not_exists(#pk)");
            names.accept(Map.of("#pk", PK));
        } else {
            condition.accept("#version = :version");
            names.accept(Map.of("#version", RfmItems.VERSION));
            values.accept(Map.of(":version", n(version)));
        }
    }

    @Override
    public boolean settle(String corpId, RfmState state, Instant now) {
        try {
            dynamoDb.putItem(p -> {
                p.tableName(table).item(RfmItems.stateItem(corpId, state.settledState(), now));
                versionCondition(state.version(), p::conditionExpression, p::expressionAttributeNames, p::expressionAttributeValues);
            });
            return true;
        } catch (ConditionalCheckFailedException moved) {
            return false;
        }
    }

    @Override
    public List<RfmTransition> transitions(String corpId, CustomerRef customer, List<Long> versions) {
        if (versions.isEmpty()) {
            return List.of();
        }
        String pk = RfmItems.customerPk(corpId, customer);
        List<RfmTransition> out = new ArrayList<>();
        for (int from = 0; from < versions.size(); from += 100) {
            List<Map<String, AttributeValue>> keys = versions.subList(from, Math.min(versions.size(), from + 100)).stream()
                    .map(v -> RfmItems.key(pk, RfmItems.historySk(v))).toList();
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
            while (!request.isEmpty()) {
                Map<String, KeysAndAttributes> current = request;
                var response = dynamoDb.batchGetItem(b -> b.requestItems(current));
                response.responses().getOrDefault(table, List.of()).forEach(i -> out.add(RfmItems.transition(i)));
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        out.sort(Comparator.comparingLong(RfmTransition::version));
        return out;
    }

    @Override
    public List<RfmTransition> history(String corpId, CustomerRef customer, int limit, Long beforeVersion) {
        QueryRequest.Builder q = QueryRequest.builder().tableName(table).scanIndexForward(false).limit(limit)
                .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK));
        String pk = RfmItems.customerPk(corpId, customer);
        if (beforeVersion == null) {
            q.keyConditionExpression("#pk = :pk AND begins_with(#sk, :h)")
                    .expressionAttributeValues(Map.of(":pk", s(pk), ":h", s(RfmItems.HISTORY)));
        } else {
            q.keyConditionExpression("#pk = :pk AND #sk BETWEEN :lo AND :hi")
                    .expressionAttributeValues(Map.of(":pk", s(pk), ":lo", s(RfmItems.HISTORY),
                            ":hi", s(RfmItems.historySk(Math.max(0, beforeVersion - 1)))));
        }
        return dynamoDb.query(q.build()).items().stream().map(RfmItems::transition).toList();
    }

    @Override
    public Distribution distribution(String corpId) {
        Map<Segment, Long> segments = new EnumMap<>(Segment.class);
        Map<LifecycleStage, Long> stages = new EnumMap<>(LifecycleStage.class);
        for (Segment s : Segment.values()) {
            segments.put(s, 0L);
        }
        for (LifecycleStage s : LifecycleStage.values()) {
            stages.put(s, 0L);
        }
        queryAll(QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", PK))
                .expressionAttributeValues(Map.of(":pk", s(RfmItems.distributionPk(corpId)))).build(), item -> {
            String sk = item.get(SK).s();
            long count = Items.num(item, RfmItems.COUNT, 0);
            String name = sk.substring(sk.indexOf('#') + 1, sk.lastIndexOf('#'));
            if (sk.startsWith(RfmItems.SEGMENT_COUNTER)) {
                segments.merge(Segment.valueOf(name), count, Long::sum);
            } else if (sk.startsWith(RfmItems.STAGE_COUNTER)) {
                stages.merge(LifecycleStage.valueOf(name), count, Long::sum);
            }
        });
        return new Distribution(segments, stages);
    }

    @Override
    public RfmThresholds thresholds(String corpId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(RfmItems.key(RfmItems.configPk(corpId), RfmItems.THRESHOLDS))).item();
        return item == null || item.isEmpty() ? RfmThresholds.DEFAULTS : RfmItems.thresholds(item);
    }

    @Override
    public void saveThresholds(String corpId, RfmThresholds thresholds, Instant now, String updatedBy) {
        dynamoDb.putItem(b -> b.tableName(table).item(RfmItems.thresholdsItem(corpId, thresholds, now, updatedBy)));
    }

    @Override
    public List<CustomerRef> dueOn(String corpId, LocalDate day) {
        List<CustomerRef> out = new ArrayList<>();
        queryAll(QueryRequest.builder().tableName(table).indexName(RfmItems.BY_BOUNDARY_DAY)
                .keyConditionExpression("#d = :d")
                .expressionAttributeNames(Map.of("#d", RfmItems.BOUNDARY_DAY))
                .expressionAttributeValues(Map.of(":d", s(RfmItems.boundaryDay(corpId, day)))).build(),
                item -> out.add(RfmItems.customerOfPk(corpId, item.get(PK).s())));
        return out;
    }

    @Override
    public List<CustomerRef> unresolved(String corpId) {
        List<CustomerRef> out = new ArrayList<>();
        queryAll(QueryRequest.builder().tableName(table).indexName(RfmItems.BY_UNRESOLVED)
                .keyConditionExpression("#u = :u")
                .expressionAttributeNames(Map.of("#u", RfmItems.UNRESOLVED_KEY))
                .expressionAttributeValues(Map.of(":u", s(corpId))).build(),
                item -> out.add(RfmItems.customerOfPk(corpId, item.get(PK).s())));
        return out;
    }

    @Override
    public Map<String, String> wecomTagIds(String corpId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(RfmItems.key(RfmItems.configPk(corpId), RfmItems.WECOM_TAGS))).item();
        if (item == null || !item.containsKey(RfmItems.TAG_IDS)) {
            return Map.of();
        }
        Map<String, String> out = new HashMap<>();
        item.get(RfmItems.TAG_IDS).m().forEach((name, id) -> out.put(name, id.s()));
        return out;
    }

    @Override
    public void saveWecomTagIds(String corpId, Map<String, String> tagIdsByName, Instant now) {
        Map<String, AttributeValue> ids = new HashMap<>();
        tagIdsByName.forEach((name, id) -> ids.put(name, s(id)));
        Map<String, AttributeValue> item = new HashMap<>(RfmItems.key(RfmItems.configPk(corpId), RfmItems.WECOM_TAGS));
        item.put(RfmItems.TAG_IDS, AttributeValue.fromM(ids));
        item.put(RfmItems.UPDATED_AT, n(now.toEpochMilli()));
        dynamoDb.putItem(b -> b.tableName(table).item(item));
    }

    @Override
    public void forgetWecomTagIds(String corpId) {
        dynamoDb.deleteItem(b -> b.tableName(table).key(RfmItems.key(RfmItems.configPk(corpId), RfmItems.WECOM_TAGS)));
    }

    private void queryAll(QueryRequest request, Consumer<Map<String, AttributeValue>> each) {
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = dynamoDb.query(request.toBuilder().exclusiveStartKey(start).build());
            page.items().forEach(each);
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }
}
