package io.siyu.dynamodb;

import static io.siyu.dynamodb.Items.n;
import static io.siyu.dynamodb.Items.num;
import static io.siyu.dynamodb.Items.s;

import io.siyu.core.sop.Chain;
import io.siyu.core.sop.ChainCommit;
import io.siyu.core.sop.DispatchHead;
import io.siyu.core.sop.PlanningStore;
import io.siyu.core.sop.RecipientPage;
import io.siyu.core.sop.Run;
import io.siyu.core.sop.RunCounters;
import io.siyu.core.sop.RunId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * {@link PlanningStore} over the SOP table (cursor, runs) and the SOP dispatch table (chains,
 * dispatches, recipient pages). A chain commit is one transaction: the chain's conditional
 * update, its pages and sealed dispatches, the run's counters and the per-day figures.
 */
public final class DynamoDbPlanningStore implements PlanningStore {

    private final DynamoDbClient dynamoDb;
    private final String sopTable;
    private final String dispatchTable;
    private final Clock clock;
    private final Duration retention;

    /** @param retention how long chains, dispatches and their recipient lists are kept (TTL) */
    public DynamoDbPlanningStore(DynamoDbClient dynamoDb, String sopTable, String dispatchTable, Clock clock, Duration retention) {
        this.dynamoDb = dynamoDb;
        this.sopTable = sopTable;
        this.dispatchTable = dispatchTable;
        this.clock = clock;
        this.retention = retention;
    }

    @Override
    public Optional<Instant> nextMinute(String corpId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(sopTable).key(SopItems.plannerKey(corpId)).consistentRead(true)).item();
        return item == null || !item.containsKey(SopItems.NEXT_MINUTE) ? Optional.empty()
                : Optional.of(Instant.ofEpochMilli(num(item, SopItems.NEXT_MINUTE, 0)));
    }

    @Override
    public boolean advance(String corpId, Optional<Instant> expected, Instant next) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":next", n(next.toEpochMilli()));
        String condition = "attribute_not_exists(#m)";
        if (expected.isPresent()) {
            condition = "#m = :expected";
            values.put(":expected", n(expected.get().toEpochMilli()));
        }
        String cond = condition;
        try {
            dynamoDb.updateItem(b -> b.tableName(sopTable).key(SopItems.plannerKey(corpId))
                    .updateExpression("SET #m = :next").conditionExpression(cond)
                    .expressionAttributeNames(Map.of("#m", SopItems.NEXT_MINUTE)).expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException movedByAnother) {
            return false;
        }
    }

    @Override
    public void saveRun(Run run) {
        Map<String, AttributeValue> snapshot = SopItems.runSnapshot(run);
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> sets = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, AttributeValue> e : snapshot.entrySet()) {
            names.put("#a" + i, e.getKey());
            values.put(":a" + i, e.getValue());
            sets.add("#a" + i + " = :a" + i);
            i++;
        }
        names.put("#created", SopItems.CREATED_AT);
        values.put(":now", n(clock.millis()));
        sets.add("#created = if_not_exists(#created, :now)");
        names.put("#v", SopItems.SOP_VERSION);
        values.put(":v", n(run.sopVersion()));
        try {
            dynamoDb.updateItem(b -> b.tableName(sopTable).key(SopItems.runKey(run.id()))
                    .updateExpression("SET " + String.join(", ", sets))
                    // a newer definition refreshes the snapshot; an older or equal one leaves it
                    .conditionExpression("attribute_not_exists(#v) OR #v < :v")
                    .expressionAttributeNames(names).expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException upToDate) {
            // planned from this version (or a newer one) already
        }
    }

    @Override
    public Optional<Run> run(RunId id) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(sopTable).key(SopItems.runKey(id)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(SopItems.run(item));
    }

    @Override
    public ChainCreated createChain(Chain chain) {
        try {
            Transactions.write(dynamoDb, List.of(
                    TransactWriteItem.builder().put(p -> p.tableName(dispatchTable).item(DispatchItems.newChain(chain, expiry()))
                            .conditionExpression("attribute_not_exists(pk)")).build(),
                    counterUpdate(chain.run(), new RunCounters(0, 0, 0, 0, 0, 0, 1, 0, 0, 0))));
            return ChainCreated.CREATED;
        } catch (Transactions.ConditionFailed exists) {
            Chain existing = chain(chain.key()).orElseThrow();
            return existing.seq() == 0 && !existing.done() ? ChainCreated.EXISTS_UNSTARTED : ChainCreated.EXISTS_STARTED;
        }
    }

    @Override
    public Optional<Chain> chain(String key) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(dispatchTable).key(DispatchItems.chainKey(key)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(DispatchItems.chain(item));
    }

    @Override
    public void commit(ChainCommit commit) {
        Chain next = commit.next();
        Instant now = clock.instant();
        Instant expiry = expiry();
        List<TransactWriteItem> items = new ArrayList<>();
        Map<String, String> names = new HashMap<>(Map.of("#seq", DispatchItems.SEQ, "#done", DispatchItems.DONE, "#open", DispatchItems.OPEN,
                "#pending", DispatchItems.PENDING_SEND, "#pos", DispatchItems.POSITION));
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":expected", n(commit.expectedSeq()));
        values.put(":seq", n(next.seq()));
        values.put(":done", AttributeValue.fromBool(next.done()));
        values.put(":open", DispatchItems.open(next.open()));
        values.put(":pending", AttributeValue.fromL(next.pendingSend().stream().map(Items::s).toList()));
        String update = "SET #seq = :seq, #done = :done, #open = :open, #pending = :pending";
        if (next.position() != null) {
            values.put(":pos", s(next.position()));
            update += ", #pos = :pos";
        } else {
            update += " REMOVE #pos";
        }
        String expression = update;
        items.add(TransactWriteItem.builder().update(u -> u.tableName(dispatchTable).key(DispatchItems.chainKey(next.key()))
                .updateExpression(expression).conditionExpression("#seq = :expected")
                .expressionAttributeNames(names).expressionAttributeValues(values)).build());
        for (RecipientPage page : commit.pages()) {
            items.add(TransactWriteItem.builder().put(p -> p.tableName(dispatchTable).item(DispatchItems.page(page, expiry))).build());
        }
        for (DispatchHead head : commit.sealed()) {
            items.add(TransactWriteItem.builder().put(p -> p.tableName(dispatchTable).item(DispatchItems.head(head, now, expiry))).build());
        }
        if (!SopItems.counterUpdate(commit.delta()).isEmpty()) {
            items.add(counterUpdate(next.run(), commit.delta()));
        }
        commit.days().forEach((day, counters) -> {
            SopItems.CounterUpdate u = DynamoDbDailyClaims.dayUpdate(counters);
            if (!u.isEmpty()) {
                items.add(TransactWriteItem.builder().update(b -> b.tableName(sopTable).key(DynamoDbDailyClaims.dayKey(next.run().corpId(), day))
                        .updateExpression(u.expression()).expressionAttributeNames(u.names()).expressionAttributeValues(u.values())).build());
            }
        });
        try {
            Transactions.write(dynamoDb, items);
        } catch (Transactions.ConditionFailed moved) {
            throw new ChainMoved(next.key());
        }
    }

    @Override
    public void sent(String chainKey, long seq) {
        try {
            dynamoDb.updateItem(b -> b.tableName(dispatchTable).key(DispatchItems.chainKey(chainKey))
                    .updateExpression("SET #pending = :empty").conditionExpression("#seq = :seq")
                    .expressionAttributeNames(Map.of("#pending", DispatchItems.PENDING_SEND, "#seq", DispatchItems.SEQ))
                    .expressionAttributeValues(Map.of(":empty", AttributeValue.fromL(List.of()), ":seq", n(seq))));
        } catch (ConditionalCheckFailedException movedOn) {
            // the next commit replaced the list already
        }
    }

    private TransactWriteItem counterUpdate(RunId run, RunCounters delta) {
        return counterUpdate(sopTable, run, delta);
    }

    static TransactWriteItem counterUpdate(String sopTable, RunId run, RunCounters delta) {
        SopItems.CounterUpdate u = SopItems.counterUpdate(delta);
        return TransactWriteItem.builder().update(b -> b.tableName(sopTable).key(SopItems.runKey(run))
                .updateExpression(u.expression()).expressionAttributeNames(u.names()).expressionAttributeValues(u.values())).build();
    }

    private Instant expiry() {
        return clock.instant().plus(retention);
    }
}
