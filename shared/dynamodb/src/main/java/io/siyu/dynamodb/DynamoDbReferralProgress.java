package io.siyu.dynamodb;

import static io.siyu.dynamodb.Items.n;
import static io.siyu.dynamodb.Items.s;
import static io.siyu.dynamodb.ReferralItems.DONE;
import static io.siyu.dynamodb.ReferralItems.INVITEE;
import static io.siyu.dynamodb.ReferralItems.INVITER;
import static io.siyu.dynamodb.ReferralItems.PK;
import static io.siyu.dynamodb.ReferralItems.SK;

import io.siyu.core.referral.Completion;
import io.siyu.core.referral.Contribution;
import io.siyu.core.referral.DayCounts;
import io.siyu.core.referral.InviteeRecord;
import io.siyu.core.referral.InviteeUpdate;
import io.siyu.core.referral.InviterEvaluation;
import io.siyu.core.referral.InviterRecord;
import io.siyu.core.referral.Interval;
import io.siyu.core.referral.ReferralProgress;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * {@link ReferralProgress} over ReferralProgressTable (layout: {@link ReferralItems}). An
 * invitee's new state and its inviters' counter deltas go in one TransactWriteItems, guarded by
 * the invitee's version; counters move by ADD only, so concurrent invitees of one inviter never
 * overwrite each other (they may collide: TransactionConflict, retried by the caller).
 */
public final class DynamoDbReferralProgress implements ReferralProgress {

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final AtomicLong itemsWritten = new AtomicLong();

    public DynamoDbReferralProgress(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /** Items written by {@link #commit} so far (benchmarks report writes per event). */
    public long itemsWritten() {
        return itemsWritten.get();
    }

    @Override
    public InviteeRecord invitee(String corpId, String campaignId, String invitee) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(PK, s(ReferralItems.progressPk(corpId, campaignId)), SK, s(INVITEE + invitee)))).item();
        return ReferralItems.invitee(invitee, item);
    }

    @Override
    public void commit(String corpId, String campaignId, InviteeUpdate update, Instant now) {
        Map<String, AttributeValue> item = ReferralItems.inviteeItem(corpId, campaignId, update.next());
        long expected = update.previous().version();
        String condition = expected == 0 ? "attribute_not_exists(#pk)" : "#version = :expected";
        Map<String, String> names = expected == 0 ? Map.of("#pk", PK) : Map.of("#version", ReferralItems.VERSION);
        Map<String, AttributeValue> values = expected == 0 ? null : Map.of(":expected", n(expected));
        if (update.inviters().isEmpty()) {
            try {
                dynamoDb.putItem(b -> b.tableName(table).item(item).conditionExpression(condition)
                        .expressionAttributeNames(names).expressionAttributeValues(values));
                itemsWritten.incrementAndGet();
                return;
            } catch (ConditionalCheckFailedException e) {
                throw new Conflict(Conflict.Reason.VERSION, "invitee " + update.next().invitee() + " changed meanwhile");
            }
        }
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(item).conditionExpression(condition)
                .expressionAttributeNames(names).expressionAttributeValues(values)).build());
        for (InviteeUpdate.InviterChange change : update.inviters()) {
            writes.add(TransactWriteItem.builder().update(inviterDelta(corpId, campaignId, change, now)).build());
        }
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(writes));
            itemsWritten.addAndGet(writes.size());
        } catch (TransactionCanceledException e) {
            boolean versionChanged = e.hasCancellationReasons() && !e.cancellationReasons().isEmpty()
                    && "ConditionalCheckFailed".equals(e.cancellationReasons().get(0).code());
            throw new Conflict(versionChanged ? Conflict.Reason.VERSION : Conflict.Reason.CONTENTION,
                    "invitee " + update.next().invitee() + ": " + e.getMessage());
        }
    }

    /** ADD the non-zero deltas, count the change, and put the inviter on the sweep's worklist now. */
    private Update inviterDelta(String corpId, String campaignId, InviteeUpdate.InviterChange change, Instant now) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> adds = new ArrayList<>();
        Consumer<Object[]> add = nv -> {
            long v = (Long) nv[1];
            if (v != 0) {
                String p = "a" + adds.size();
                names.put("#" + p, (String) nv[0]);
                values.put(":" + p, n(v));
                adds.add("#" + p + " :" + p);
            }
        };
        Contribution d = change.delta();
        add.accept(new Object[] {ReferralItems.COUNT, d.count()});
        add.accept(new Object[] {ReferralItems.CREDITED, d.credited()});
        add.accept(new Object[] {ReferralItems.LOSSES, d.losses()});
        add.accept(new Object[] {ReferralItems.RETURNS, d.returns()});
        for (Map.Entry<LocalDate, DayCounts> day : d.days().entrySet()) {
            List<String> attrs = ReferralItems.dayAttributes(day.getKey());
            add.accept(new Object[] {attrs.get(0), day.getValue().credits()});
            add.accept(new Object[] {attrs.get(1), day.getValue().losses()});
            add.accept(new Object[] {attrs.get(2), day.getValue().returns()});
        }
        names.put("#changes", ReferralItems.CHANGES);
        values.put(":one", n(1));
        adds.add("#changes :one");
        String sk = INVITER + change.inviterExternalUserId();
        names.put("#campaign", ReferralItems.CAMPAIGN_ID);
        names.put("#inviter", ReferralItems.INVITER_ID);
        names.put("#sweepKey", ReferralItems.SWEEP_KEY);
        names.put("#sweepAt", ReferralItems.SWEEP_AT);
        values.put(":campaign", s(campaignId));
        values.put(":inviter", s(change.inviterExternalUserId()));
        values.put(":corp", s(corpId));
        values.put(":due", s(ReferralItems.sweepAt(now, campaignId, sk)));
        return Update.builder().tableName(table)
                .key(Map.of(PK, s(ReferralItems.progressPk(corpId, campaignId)), SK, s(sk)))
                .updateExpression("SET #campaign = :campaign, #inviter = :inviter, #sweepKey = :corp, #sweepAt = :due ADD "
                        + String.join(", ", adds))
                .expressionAttributeNames(names).expressionAttributeValues(values).build();
    }

    @Override
    public Optional<InviterRecord> inviter(String corpId, String campaignId, String inviter) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(PK, s(ReferralItems.progressPk(corpId, campaignId)), SK, s(INVITER + inviter)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(ReferralItems.inviter(campaignId, item));
    }

    @Override
    public List<InviterRecord> inviters(String corpId, String campaignId) {
        List<InviterRecord> out = new ArrayList<>();
        queryPartition(corpId, campaignId, INVITER, item -> out.add(ReferralItems.inviter(campaignId, item)));
        return out;
    }

    @Override
    public List<Interval> creditedIntervals(String corpId, String campaignId, String inviter) {
        List<Interval> out = new ArrayList<>();
        paginate(QueryRequest.builder().tableName(table).indexName(ReferralItems.BY_INVITER)
                .keyConditionExpression("#k = :k").expressionAttributeNames(Map.of("#k", ReferralItems.CREDIT_KEY))
                .expressionAttributeValues(Map.of(":k", s(ReferralItems.creditKey(corpId, campaignId, inviter)))).build(),
                item -> out.addAll(ReferralItems.intervals(item.get(ReferralItems.INTERVALS))));
        return out;
    }

    @Override
    public List<Completion> completions(String corpId, String campaignId) {
        List<Completion> out = new ArrayList<>();
        queryPartition(corpId, campaignId, DONE, item -> out.add(ReferralItems.completion(corpId, item)));
        return out;
    }

    @Override
    public List<Completion> completions(String corpId, String campaignId, String inviter) {
        List<Completion> out = new ArrayList<>();
        queryPartition(corpId, campaignId, DONE + inviter + "#", item -> out.add(ReferralItems.completion(corpId, item)));
        return out;
    }

    @Override
    public boolean recordCompletion(Completion completion) {
        Map<String, AttributeValue> item = ReferralItems.completionItem(completion);
        item.put(ReferralItems.SWEEP_KEY, s(completion.corpId()));
        item.put(ReferralItems.SWEEP_AT, s(ReferralItems.sweepAt(completion.confirmedAt(), completion.campaignId(),
                item.get(SK).s())));
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PK)));
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    @Override
    public void markPublished(Completion completion, Instant publishedAt) {
        dynamoDb.updateItem(b -> b.tableName(table)
                .key(Map.of(PK, s(ReferralItems.progressPk(completion.corpId(), completion.campaignId())),
                        SK, s(ReferralItems.doneSk(completion.inviterExternalUserId(), completion.tier()))))
                .updateExpression("SET #published = :at REMOVE #sweepKey, #sweepAt")
                .expressionAttributeNames(Map.of("#published", ReferralItems.PUBLISHED_AT,
                        "#sweepKey", ReferralItems.SWEEP_KEY, "#sweepAt", ReferralItems.SWEEP_AT))
                .expressionAttributeValues(Map.of(":at", n(publishedAt.toEpochMilli()))));
    }

    @Override
    public boolean saveEvaluation(String corpId, String campaignId, String inviter, long changesSeen,
                                  InviterEvaluation evaluation, Instant evaluatedAt, Instant nextDue) {
        String sk = INVITER + inviter;
        Map<String, String> names = new HashMap<>(Map.of("#peak", ReferralItems.PEAK, "#pending", ReferralItems.PENDING,
                "#evaluated", ReferralItems.EVALUATED_AT, "#changes", ReferralItems.CHANGES,
                "#sweepKey", ReferralItems.SWEEP_KEY, "#sweepAt", ReferralItems.SWEEP_AT));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":peak", n(evaluation.peak()),
                ":pending", ReferralItems.pending(evaluation.pending()), ":evaluated", n(evaluatedAt.toEpochMilli()),
                ":seen", n(changesSeen)));
        String expression = "SET #peak = :peak, #pending = :pending, #evaluated = :evaluated";
        if (nextDue == null) {
            expression += " REMOVE #sweepKey, #sweepAt";
        } else {
            expression += ", #sweepKey = :corp, #sweepAt = :due";
            values.put(":corp", s(corpId));
            values.put(":due", s(ReferralItems.sweepAt(nextDue, campaignId, sk)));
        }
        String update = expression;
        try {
            dynamoDb.updateItem(b -> b.tableName(table)
                    .key(Map.of(PK, s(ReferralItems.progressPk(corpId, campaignId)), SK, s(sk)))
                    .updateExpression(update).conditionExpression("#changes = :seen")
                    .expressionAttributeNames(names).expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException changed) {
            return false;
        }
    }

    @Override
    public DuePage due(String corpId, Instant now, int limit, String after) {
        Map<String, AttributeValue> start = after == null ? null : fromCursor(corpId, after);
        QueryResponse page = dynamoDb.query(b -> b.tableName(table).indexName(ReferralItems.BY_SWEEP_DUE)
                .keyConditionExpression("#k = :k AND #at < :bound")
                .expressionAttributeNames(Map.of("#k", ReferralItems.SWEEP_KEY, "#at", ReferralItems.SWEEP_AT))
                .expressionAttributeValues(Map.of(":k", s(corpId), ":bound", s(ReferralItems.sweepBound(now))))
                .exclusiveStartKey(start).limit(limit));
        List<Due> out = new ArrayList<>();
        for (Map<String, AttributeValue> item : page.items()) {
            String campaignId = item.get(PK).s().substring(corpId.length() + 1);
            String sk = item.get(SK).s();
            if (sk.startsWith(INVITER)) {
                out.add(new Due.Evaluate(campaignId, sk.substring(INVITER.length())));
            } else if (sk.startsWith(DONE)) {
                int cut = sk.lastIndexOf('#');
                out.add(new Due.Publish(campaignId, sk.substring(DONE.length(), cut), Integer.parseInt(sk.substring(cut + 1))));
            }
        }
        boolean more = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty();
        return new DuePage(out, more ? toCursor(page.lastEvaluatedKey()) : null);
    }

    /** The index's last evaluated key as an opaque string: sweepAt, pk and sk (none contains a newline). */
    private static String toCursor(Map<String, AttributeValue> key) {
        return key.get(ReferralItems.SWEEP_AT).s() + "\n" + key.get(PK).s() + "\n" + key.get(SK).s();
    }

    private static Map<String, AttributeValue> fromCursor(String corpId, String cursor) {
        String[] parts = cursor.split("\n", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a worklist cursor");
        }
        return Map.of(ReferralItems.SWEEP_KEY, s(corpId), ReferralItems.SWEEP_AT, s(parts[0]), PK, s(parts[1]), SK, s(parts[2]));
    }

    private void queryPartition(String corpId, String campaignId, String prefix, Consumer<Map<String, AttributeValue>> each) {
        paginate(QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                .expressionAttributeValues(Map.of(":pk", s(ReferralItems.progressPk(corpId, campaignId)), ":prefix", s(prefix)))
                .build(), each);
    }

    private void paginate(QueryRequest request, Consumer<Map<String, AttributeValue>> each) {
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = dynamoDb.query(request.toBuilder().exclusiveStartKey(start).build());
            page.items().forEach(each);
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }
}
