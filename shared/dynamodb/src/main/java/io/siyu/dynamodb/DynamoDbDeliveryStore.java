package io.siyu.dynamodb;

import static io.siyu.dynamodb.Items.n;
import static io.siyu.dynamodb.Items.num;
import static io.siyu.dynamodb.Items.s;
import static io.siyu.dynamodb.Items.str;

import io.siyu.core.sop.DeliveryCounters;
import io.siyu.core.sop.DeliveryStore;
import io.siyu.core.sop.DispatchStatus;
import io.siyu.core.sop.RecipientStatus;
import io.siyu.core.sop.RunId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * {@link DeliveryStore} over the SOP dispatch table: followed tasks are the dispatch heads on the
 * sparse ByDeliveryCheck index; recipient outcomes are exceptions on their pages, written under
 * the page's {@code syncVersion} together with the run's delivery counters.
 */
public final class DynamoDbDeliveryStore implements DeliveryStore {

    private final DynamoDbClient dynamoDb;
    private final String sopTable;
    private final String dispatchTable;

    public DynamoDbDeliveryStore(DynamoDbClient dynamoDb, String sopTable, String dispatchTable) {
        this.dynamoDb = dynamoDb;
        this.sopTable = sopTable;
        this.dispatchTable = dispatchTable;
    }

    @Override
    public List<String> due(String corpId, Instant now, int limit) {
        var page = dynamoDb.query(b -> b.tableName(dispatchTable).indexName(DispatchItems.BY_DELIVERY_CHECK)
                .keyConditionExpression("#corp = :corp AND #checkAt <= :now")
                .expressionAttributeNames(Map.of("#corp", DispatchItems.DELIVERY_CORP, "#checkAt", DispatchItems.DELIVERY_CHECK_AT))
                .expressionAttributeValues(Map.of(":corp", s(corpId), ":now", n(now.toEpochMilli()))).limit(limit));
        return page.items().stream().map(item -> str(item, DispatchItems.PK)).toList();
    }

    @Override
    public List<SenderTask> tasks(RunId run) {
        List<String> keys = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = dynamoDb.query(b -> b.tableName(dispatchTable).indexName(DispatchItems.BY_RUN).keyConditionExpression("#run = :run")
                    .filterExpression("#status = :created")
                    .expressionAttributeNames(Map.of("#run", DispatchItems.RUN_KEY, "#status", DispatchItems.STATUS))
                    .expressionAttributeValues(Map.of(":run", s(run.key()), ":created", s(DispatchStatus.TASK_CREATED.name())))
                    .exclusiveStartKey(from));
            page.items().forEach(item -> keys.add(str(item, DispatchItems.PK)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        // ByRun does not project the delivery attributes: read the heads.
        return heads(keys);
    }

    @Override
    public List<SenderTask> followed(String corpId) {
        List<String> keys = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = dynamoDb.query(b -> b.tableName(dispatchTable).indexName(DispatchItems.BY_DELIVERY_CHECK)
                    .keyConditionExpression("#corp = :corp").expressionAttributeNames(Map.of("#corp", DispatchItems.DELIVERY_CORP))
                    .expressionAttributeValues(Map.of(":corp", s(corpId))).exclusiveStartKey(from));
            page.items().forEach(item -> keys.add(str(item, DispatchItems.PK)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        // ByDeliveryCheck is KEYS_ONLY: read the heads.
        return heads(keys);
    }

    /** The dispatch heads of {@code keys} as sender tasks, in that order, 100 keys per BatchGetItem. */
    private List<SenderTask> heads(List<String> keys) {
        Map<String, SenderTask> byKey = new HashMap<>();
        for (int i = 0; i < keys.size(); i += 100) {
            Map<String, KeysAndAttributes> request = Map.of(dispatchTable, KeysAndAttributes.builder()
                    .keys(keys.subList(i, Math.min(keys.size(), i + 100)).stream().map(DispatchItems::headKey).toList()).build());
            for (int round = 0; !request.isEmpty(); round++) {
                if (round == 10) {
                    throw new IllegalStateException("dispatch table kept returning unprocessed keys after 10 rounds");
                }
                Map<String, KeysAndAttributes> current = request;
                var reply = dynamoDb.batchGetItem(b -> b.requestItems(current));
                reply.responses().getOrDefault(dispatchTable, List.of()).forEach(item -> byKey.put(str(item, DispatchItems.PK), senderTask(item)));
                request = reply.hasUnprocessedKeys() ? reply.unprocessedKeys() : Map.of();
            }
        }
        return keys.stream().map(byKey::get).filter(java.util.Objects::nonNull).toList();
    }

    private static SenderTask senderTask(Map<String, AttributeValue> head) {
        String closing = str(head, DispatchItems.DELIVERY);
        return new SenderTask(str(head, DispatchItems.PK), str(head, DispatchItems.SENDER), str(head, DispatchItems.MSGID),
                num(head, DispatchItems.RECIPIENTS, 0), num(head, DispatchItems.REFUSED, 0), Items.instant(head, DispatchItems.CONFIRMED_AT),
                (int) num(head, DispatchItems.REMINDERS, 0), Items.instant(head, DispatchItems.CANCELLED_AT),
                closing == null ? null : Closing.valueOf(closing));
    }

    @Override
    public Optional<Task> task(String dispatchKey) {
        Map<String, AttributeValue> head = null;
        List<TrackedPage> pages = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = dynamoDb.query(b -> b.tableName(dispatchTable).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(dispatchKey))).consistentRead(true).exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                if (DispatchItems.HEAD.equals(str(item, DispatchItems.SK))) {
                    head = item;
                } else {
                    pages.add(trackedPage(item));
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        if (head == null || !DispatchStatus.TASK_CREATED.name().equals(str(head, DispatchItems.STATUS))) {
            return Optional.empty();
        }
        AttributeValue stopped = head.get(DispatchItems.REMINDERS_STOPPED);
        return Optional.of(new Task(DispatchItems.head(head), str(head, DispatchItems.MSGID), Items.instant(head, DispatchItems.SENT_AT),
                num(head, DispatchItems.REFUSED, 0), Items.instant(head, DispatchItems.CONFIRMED_AT), (int) num(head, DispatchItems.REMINDERS, 0),
                Items.instant(head, DispatchItems.LAST_REMINDED_AT), stopped != null && Boolean.TRUE.equals(stopped.bool()),
                Items.instant(head, DispatchItems.CANCELLED_AT), pages));
    }

    private static TrackedPage trackedPage(Map<String, AttributeValue> item) {
        var page = DispatchItems.page(item);
        Map<String, RecipientStatus> exceptions = new HashMap<>();
        AttributeValue ex = item.get(DispatchItems.EXCEPTIONS);
        if (ex != null && ex.hasM()) {
            ex.m().forEach((id, status) -> exceptions.put(id, RecipientStatus.valueOf(status.s())));
        }
        return new TrackedPage(page.page(), page.ids(), exceptions, num(item, DispatchItems.SYNC_VERSION, 0));
    }

    @Override
    public boolean confirmed(Task task, Instant now) {
        TransactWriteItem head = TransactWriteItem.builder().update(u -> u.tableName(dispatchTable).key(DispatchItems.headKey(task.head().key()))
                .updateExpression("SET #confirmedAt = :now").conditionExpression("attribute_not_exists(#confirmedAt)")
                .expressionAttributeNames(Map.of("#confirmedAt", DispatchItems.CONFIRMED_AT))
                .expressionAttributeValues(Map.of(":now", n(now.toEpochMilli())))).build();
        return write(head, task.head().run(), DeliveryCounters.confirmedTask(task.reachable()));
    }

    @Override
    public boolean record(Task task, TrackedPage page, Map<String, RecipientStatus> changes) {
        if (changes.isEmpty()) {
            return true;
        }
        DeliveryCounters delta = DeliveryCounters.ZERO;
        Map<String, AttributeValue> exceptions = new HashMap<>();
        page.exceptions().forEach((id, status) -> exceptions.put(id, s(status.name())));
        for (var change : changes.entrySet()) {
            exceptions.put(change.getKey(), s(change.getValue().name()));
            delta = delta.plus(DeliveryCounters.transition(change.getValue()));
        }
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":ex", AttributeValue.fromM(exceptions), ":next", n(page.version() + 1)));
        String condition;
        if (page.version() == 0) {
            condition = "attribute_not_exists(#version)";
        } else {
            condition = "#version = :version";
            values.put(":version", n(page.version()));
        }
        TransactWriteItem pageUpdate = TransactWriteItem.builder().update(u -> u.tableName(dispatchTable)
                .key(DispatchItems.pageKey(task.head().key(), page.page())).updateExpression("SET #ex = :ex, #version = :next")
                .conditionExpression(condition)
                .expressionAttributeNames(Map.of("#ex", DispatchItems.EXCEPTIONS, "#version", DispatchItems.SYNC_VERSION))
                .expressionAttributeValues(values)).build();
        return write(pageUpdate, task.head().run(), delta);
    }

    @Override
    public boolean reminding(Task task, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":next", n(task.reminders() + 1L), ":now", n(now.toEpochMilli())));
        String condition;
        if (task.reminders() == 0) {
            condition = "attribute_not_exists(#reminders)";
        } else {
            condition = "#reminders = :current";
            values.put(":current", n(task.reminders()));
        }
        TransactWriteItem head = TransactWriteItem.builder().update(u -> u.tableName(dispatchTable).key(DispatchItems.headKey(task.head().key()))
                .updateExpression("SET #reminders = :next, #last = :now").conditionExpression(condition)
                .expressionAttributeNames(Map.of("#reminders", DispatchItems.REMINDERS, "#last", DispatchItems.LAST_REMINDED_AT))
                .expressionAttributeValues(values)).build();
        return write(head, task.head().run(), DeliveryCounters.REMINDER);
    }

    @Override
    public void stopReminders(String dispatchKey) {
        dynamoDb.updateItem(b -> b.tableName(dispatchTable).key(DispatchItems.headKey(dispatchKey)).updateExpression("SET #stopped = :true")
                .expressionAttributeNames(Map.of("#stopped", DispatchItems.REMINDERS_STOPPED))
                .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true))));
    }

    @Override
    public boolean cancelled(RunId run, String dispatchKey, Instant now) {
        TransactWriteItem head = TransactWriteItem.builder().update(u -> u.tableName(dispatchTable).key(DispatchItems.headKey(dispatchKey))
                .updateExpression("SET #cancelledAt = :now, #checkAt = :now")
                .conditionExpression("attribute_not_exists(#cancelledAt) AND attribute_exists(#corp)")
                .expressionAttributeNames(Map.of("#cancelledAt", DispatchItems.CANCELLED_AT, "#checkAt", DispatchItems.DELIVERY_CHECK_AT,
                        "#corp", DispatchItems.DELIVERY_CORP))
                .expressionAttributeValues(Map.of(":now", n(now.toEpochMilli())))).build();
        return write(head, run, DeliveryCounters.CANCELLED_TASK);
    }

    @Override
    public void checkAgainAt(String dispatchKey, Instant at) {
        try {
            // Only while followed: a closed task must not come back onto the index.
            dynamoDb.updateItem(b -> b.tableName(dispatchTable).key(DispatchItems.headKey(dispatchKey)).updateExpression("SET #checkAt = :at")
                    .conditionExpression("attribute_exists(#corp)")
                    .expressionAttributeNames(Map.of("#checkAt", DispatchItems.DELIVERY_CHECK_AT, "#corp", DispatchItems.DELIVERY_CORP))
                    .expressionAttributeValues(Map.of(":at", n(at.toEpochMilli()))));
        } catch (ConditionalCheckFailedException closed) {
            // another sync closed it meanwhile
        }
    }

    @Override
    public boolean close(Task task, Closing closing, Instant now) {
        TransactWriteItem head = TransactWriteItem.builder().update(u -> u.tableName(dispatchTable).key(DispatchItems.headKey(task.head().key()))
                .updateExpression("SET #delivery = :closing, #closedAt = :now REMOVE #corp, #checkAt")
                .conditionExpression("attribute_exists(#corp)")
                .expressionAttributeNames(Map.of("#delivery", DispatchItems.DELIVERY, "#closedAt", DispatchItems.DELIVERY_CLOSED_AT,
                        "#corp", DispatchItems.DELIVERY_CORP, "#checkAt", DispatchItems.DELIVERY_CHECK_AT))
                .expressionAttributeValues(Map.of(":closing", s(closing.name()), ":now", n(now.toEpochMilli())))).build();
        return write(head, task.head().run(), DeliveryCounters.CLOSED_TASK);
    }

    /** The transition and its counters in one transaction; false when the transition's condition failed. */
    private boolean write(TransactWriteItem transition, RunId run, DeliveryCounters delta) {
        SopItems.CounterUpdate u = SopItems.counterUpdate(delta);
        TransactWriteItem counters = TransactWriteItem.builder().update(b -> b.tableName(sopTable).key(SopItems.runKey(run))
                .updateExpression(u.expression()).expressionAttributeNames(u.names()).expressionAttributeValues(u.values())).build();
        try {
            Transactions.write(dynamoDb, List.of(transition, counters));
            return true;
        } catch (Transactions.ConditionFailed changedMeanwhile) {
            return false;
        }
    }
}
