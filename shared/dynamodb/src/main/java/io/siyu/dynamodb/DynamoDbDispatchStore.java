package io.siyu.dynamodb;

import static io.siyu.dynamodb.Items.n;
import static io.siyu.dynamodb.Items.num;
import static io.siyu.dynamodb.Items.s;
import static io.siyu.dynamodb.Items.str;

import io.siyu.core.sop.DispatchHead;
import io.siyu.core.sop.DispatchStatus;
import io.siyu.core.sop.DispatchStore;
import io.siyu.core.sop.FailureReason;
import io.siyu.core.sop.RecipientPage;
import io.siyu.core.sop.RecipientStatus;
import io.siyu.core.sop.RunCounters;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * {@link DispatchStore} over the SOP dispatch table. A dispatch is read with one Query of its
 * partition (head and recipient pages); every status change is conditional, and a change that
 * finishes a dispatch moves the run's counters in the same transaction.
 */
public final class DynamoDbDispatchStore implements DispatchStore {

    private final DynamoDbClient dynamoDb;
    private final String sopTable;
    private final String dispatchTable;

    public DynamoDbDispatchStore(DynamoDbClient dynamoDb, String sopTable, String dispatchTable) {
        this.dynamoDb = dynamoDb;
        this.sopTable = sopTable;
        this.dispatchTable = dispatchTable;
    }

    @Override
    public Optional<Dispatch> dispatch(String key) {
        Map<String, AttributeValue> head = null;
        List<RecipientPage> pages = new ArrayList<>();
        Map<String, RecipientStatus> exceptions = new HashMap<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = dynamoDb.query(b -> b.tableName(dispatchTable).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(key))).consistentRead(true).exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                if (DispatchItems.HEAD.equals(str(item, DispatchItems.SK))) {
                    head = item;
                } else {
                    pages.add(DispatchItems.page(item));
                    AttributeValue ex = item.get(DispatchItems.EXCEPTIONS);
                    if (ex != null && ex.hasM()) {
                        ex.m().forEach((id, status) -> exceptions.put(id, RecipientStatus.valueOf(status.s())));
                    }
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        if (head == null) {
            return Optional.empty();
        }
        Instant lease = head.containsKey(DispatchItems.LEASE_UNTIL) ? Items.instant(head, DispatchItems.LEASE_UNTIL) : null;
        return Optional.of(new Dispatch(DispatchItems.head(head), DispatchStatus.valueOf(str(head, DispatchItems.STATUS)),
                (int) num(head, DispatchItems.ATTEMPTS, 0), lease, str(head, DispatchItems.MSGID), pages, exceptions));
    }

    @Override
    public boolean claim(String key, String token, Instant leaseUntil) {
        try {
            dynamoDb.updateItem(b -> b.tableName(dispatchTable).key(DispatchItems.headKey(key))
                    .updateExpression("SET #status = :sending, #token = :token, #lease = :lease ADD #attempts :one")
                    .conditionExpression("#status = :planned")
                    .expressionAttributeNames(Map.of("#status", DispatchItems.STATUS, "#token", DispatchItems.CLAIM_TOKEN,
                            "#lease", DispatchItems.LEASE_UNTIL, "#attempts", DispatchItems.ATTEMPTS))
                    .expressionAttributeValues(Map.of(":sending", s(DispatchStatus.SENDING.name()), ":token", s(token),
                            ":lease", n(leaseUntil.toEpochMilli()), ":one", n(1), ":planned", s(DispatchStatus.PLANNED.name()))));
            return true;
        } catch (ConditionalCheckFailedException notPlanned) {
            return false;
        }
    }

    @Override
    public void taskCreated(Dispatch dispatch, String token, String msgId, List<String> refused, Instant now) {
        DispatchHead head = dispatch.head();
        Set<String> refusedSet = new HashSet<>(refused);
        // The recipients WeCom refused get their own status on their page. Idempotent, so it can
        // precede the head's transition: nothing counts until that transition is written.
        for (RecipientPage page : dispatch.pages()) {
            Map<String, AttributeValue> ex = new LinkedHashMap<>();
            page.ids().stream().filter(refusedSet::contains)
                    .forEach(id -> ex.put(id, s(RecipientStatus.SKIPPED_WECOM_REFUSED.name())));
            if (!ex.isEmpty()) {
                dynamoDb.updateItem(b -> b.tableName(dispatchTable).key(DispatchItems.pageKey(page.dispatchKey(), page.page()))
                        .updateExpression("SET #ex = :ex").expressionAttributeNames(Map.of("#ex", DispatchItems.EXCEPTIONS))
                        .expressionAttributeValues(Map.of(":ex", AttributeValue.fromM(ex))));
            }
        }
        long refusedCount = dispatch.recipients().stream().filter(refusedSet::contains).count();
        TransactWriteItem transition = TransactWriteItem.builder().update(u -> u.tableName(dispatchTable).key(DispatchItems.headKey(head.key()))
                // deliveryCorp and deliveryCheckAt put the task on the delivery sync's list (ByDeliveryCheck), due at once.
                .updateExpression("SET #status = :created, #msgid = :msgid, #refused = :refused, #sentAt = :now, #deliveryCorp = :corp, "
                        + "#checkAt = :now REMOVE #token, #lease")
                .conditionExpression("#status = :sending AND #token = :token")
                .expressionAttributeNames(Map.of("#status", DispatchItems.STATUS, "#msgid", DispatchItems.MSGID, "#refused", DispatchItems.REFUSED,
                        "#sentAt", DispatchItems.SENT_AT, "#token", DispatchItems.CLAIM_TOKEN, "#lease", DispatchItems.LEASE_UNTIL,
                        "#deliveryCorp", DispatchItems.DELIVERY_CORP, "#checkAt", DispatchItems.DELIVERY_CHECK_AT))
                .expressionAttributeValues(Map.of(":created", s(DispatchStatus.TASK_CREATED.name()), ":msgid", s(msgId),
                        ":refused", n(refusedCount), ":now", n(now.toEpochMilli()), ":sending", s(DispatchStatus.SENDING.name()),
                        ":token", s(token), ":corp", s(head.run().corpId())))).build();
        RunCounters delta = new RunCounters(0, head.recipients() - refusedCount, 0, 0, 0, refusedCount, 0, 0, 0, 1);
        try {
            Transactions.write(dynamoDb, List.of(transition, DynamoDbPlanningStore.counterUpdate(sopTable, head.run(), delta)));
        } catch (Transactions.ConditionFailed lost) {
            throw new IllegalStateException("dispatch " + head.key() + " is no longer SENDING under this claim; msgid " + msgId
                    + " is not recorded on it");
        }
    }

    @Override
    public void release(String key, String token, String lastError) {
        try {
            dynamoDb.updateItem(b -> b.tableName(dispatchTable).key(DispatchItems.headKey(key))
                    .updateExpression("SET #status = :planned, #detail = :detail REMOVE #token, #lease")
                    .conditionExpression("#status = :sending AND #token = :token")
                    .expressionAttributeNames(Map.of("#status", DispatchItems.STATUS, "#detail", DispatchItems.DETAIL,
                            "#token", DispatchItems.CLAIM_TOKEN, "#lease", DispatchItems.LEASE_UNTIL))
                    .expressionAttributeValues(Map.of(":planned", s(DispatchStatus.PLANNED.name()), ":detail", s(lastError),
                            ":sending", s(DispatchStatus.SENDING.name()), ":token", s(token))));
        } catch (ConditionalCheckFailedException notOurs) {
            // someone else holds or finished it: nothing of ours to release
        }
    }

    @Override
    public boolean fail(Dispatch dispatch, From from, FailureReason reason, String detail, Instant now) {
        DispatchHead head = dispatch.head();
        Map<String, String> names = new HashMap<>(Map.of("#status", DispatchItems.STATUS, "#reason", DispatchItems.FAILURE_REASON,
                "#detail", DispatchItems.DETAIL, "#finished", DispatchItems.FINISHED_AT, "#token", DispatchItems.CLAIM_TOKEN,
                "#lease", DispatchItems.LEASE_UNTIL));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":failed", s(DispatchStatus.FAILED.name()), ":reason", s(reason.name()),
                ":detail", s(detail), ":now", n(now.toEpochMilli()), ":sending", s(DispatchStatus.SENDING.name())));
        String condition;
        if (from instanceof From.Claimed claimed) {
            condition = "#status = :sending AND #token = :token";
            values.put(":token", s(claimed.token()));
        } else {
            condition = "#status = :sending AND #lease < :leaseEnded";
            values.put(":leaseEnded", n(((From.Abandoned) from).now().toEpochMilli()));
        }
        String cond = condition;
        TransactWriteItem transition = TransactWriteItem.builder().update(u -> u.tableName(dispatchTable).key(DispatchItems.headKey(head.key()))
                .updateExpression("SET #status = :failed, #reason = :reason, #detail = :detail, #finished = :now REMOVE #token, #lease")
                .conditionExpression(cond).expressionAttributeNames(names).expressionAttributeValues(values)).build();
        RunCounters delta = new RunCounters(0, 0, head.recipients(), 0, 0, 0, 0, 0, 0, 1);
        try {
            Transactions.write(dynamoDb, List.of(transition, DynamoDbPlanningStore.counterUpdate(sopTable, head.run(), delta)));
            return true;
        } catch (Transactions.ConditionFailed notInThatState) {
            return false;
        }
    }
}
