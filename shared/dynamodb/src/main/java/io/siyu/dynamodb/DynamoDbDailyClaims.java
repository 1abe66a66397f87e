package io.siyu.dynamodb;

import static io.siyu.dynamodb.Items.n;
import static io.siyu.dynamodb.Items.num;
import static io.siyu.dynamodb.Items.s;
import static io.siyu.dynamodb.Items.str;

import io.siyu.core.sop.ChatType;
import io.siyu.core.sop.DailyClaims;
import io.siyu.core.sop.DayCounters;
import io.siyu.core.sop.RunId;
import io.siyu.core.sop.SopTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * {@link DailyClaims} over the SOP dispatch table (claims and deferred recipients, both with the
 * table's TTL) and the SOP table (the per-day figures, moved by the chain commits):
 * <ul>
 *   <li>{@code pk = corpId#CLAIM#C|G#recipient#yyyy-MM-dd, sk = CLAIM}: {@code owner} (run key and
 *       sender), conditional put {@code attribute_not_exists(pk) OR owner = :owner};</li>
 *   <li>{@code pk = corpId#DEFER#<local fire minute>, sk = RUN#runKey}: a run has recipients
 *       deferred to that minute; {@code sk = R#runKey#sender#externalUserId}: one of them;</li>
 *   <li>SOP table {@code pk = corpId, sk = DAY#yyyy-MM-dd}: {@link DayCounters}.</li>
 * </ul>
 * Claims are single conditional puts (a page can hold thousands; a transaction holds 100), made
 * {@code parallelism} at a time on the synchronous client.
 */
public final class DynamoDbDailyClaims implements DailyClaims {

    public static final String CLAIM = "CLAIM";
    public static final String OWNER = "owner";
    public static final String DEFER = "DEFER";
    public static final String RUN_MARK = "RUN#";
    public static final String RECIPIENT_MARK = "R#";
    public static final String DAY = "DAY#";
    /** Claims and deferred recipients outlive their day by this much (TTL), then DynamoDB removes them. */
    public static final Duration KEEP_AFTER_DAY = Duration.ofDays(3);

    private final DynamoDbClient dynamoDb;
    private final String sopTable;
    private final String dispatchTable;
    private final int parallelism;
    private final ExecutorService pool;

    /** @param parallelism claims written at once (1: one after the other) */
    public DynamoDbDailyClaims(DynamoDbClient dynamoDb, String sopTable, String dispatchTable, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism >= 1");
        }
        this.dynamoDb = dynamoDb;
        this.sopTable = sopTable;
        this.dispatchTable = dispatchTable;
        this.parallelism = parallelism;
        this.pool = parallelism == 1 ? null : Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "sop-claims");
            t.setDaemon(true);
            return t;
        });
    }

    public static Map<String, AttributeValue> claimKey(String corpId, ChatType chatType, String recipient, LocalDate day) {
        return Map.of("pk", s(corpId + "#" + CLAIM + "#" + (chatType == ChatType.GROUP ? "G" : "C") + "#" + recipient + "#" + day),
                "sk", s(CLAIM));
    }

    @Override
    public List<Boolean> claim(String corpId, List<Claim> claims) {
        if (pool == null || claims.size() <= 1) {
            return claims.stream().map(c -> claimOne(corpId, c)).toList();
        }
        // Contiguous slices, one per thread: each thread writes its slice one claim after the other.
        int slices = Math.min(parallelism, claims.size());
        List<Future<List<Boolean>>> futures = new ArrayList<>();
        for (int i = 0; i < slices; i++) {
            List<Claim> slice = claims.subList(claims.size() * i / slices, claims.size() * (i + 1) / slices);
            futures.add(pool.submit(() -> slice.stream().map(c -> claimOne(corpId, c)).toList()));
        }
        List<Boolean> out = new ArrayList<>(claims.size());
        for (Future<List<Boolean>> f : futures) {
            try {
                out.addAll(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while claiming", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
        return out;
    }

    private boolean claimOne(String corpId, Claim c) {
        Map<String, AttributeValue> item = new HashMap<>(claimKey(corpId, c.chatType(), c.recipient(), c.day()));
        item.put(OWNER, s(c.owner()));
        item.put("day", s(c.day().toString()));
        item.put(DispatchItems.EXPIRES_AT, n(expiry(c.day())));
        try {
            dynamoDb.putItem(b -> b.tableName(dispatchTable).item(item)
                    .conditionExpression("attribute_not_exists(pk) OR #owner = :owner")
                    .expressionAttributeNames(Map.of("#owner", OWNER)).expressionAttributeValues(Map.of(":owner", s(c.owner()))));
            return true;
        } catch (ConditionalCheckFailedException taken) {
            return false;
        }
    }

    private static long expiry(LocalDate day) {
        return SopTime.startOfDay(day.plusDays(1)).plus(KEEP_AFTER_DAY).getEpochSecond();
    }

    private static String deferPk(String corpId, Instant bucket) {
        return corpId + "#" + DEFER + "#" + SopTime.local(bucket);
    }

    @Override
    public void defer(RunId run, Instant bucket, List<Deferral> deferrals) {
        if (deferrals.isEmpty()) {
            return;
        }
        String pk = deferPk(run.corpId(), bucket);
        AttributeValue expires = n(expiry(SopTime.localDate(bucket)));
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        items.add(Map.of("pk", s(pk), "sk", s(RUN_MARK + run.key()), DispatchItems.RUN_KEY, s(run.key()), DispatchItems.EXPIRES_AT, expires));
        for (Deferral d : deferrals) {
            items.add(Map.of("pk", s(pk), "sk", s(RECIPIENT_MARK + run.key() + "#" + d.sender() + "#" + d.externalUserId()),
                    DispatchItems.SENDER, s(d.sender()), "externalUserId", s(d.externalUserId()), DispatchItems.EXPIRES_AT, expires));
        }
        for (int from = 0; from < items.size(); from += 25) {
            List<WriteRequest> batch = items.subList(from, Math.min(items.size(), from + 25)).stream()
                    .map(i -> WriteRequest.builder().putRequest(PutRequest.builder().item(i).build()).build()).toList();
            Map<String, List<WriteRequest>> pending = Map.of(dispatchTable, batch);
            for (int attempt = 0; !pending.isEmpty(); attempt++) {
                if (attempt == 8) {
                    throw new IllegalStateException("deferred recipients not written after 8 attempts");
                }
                if (attempt > 0) {
                    sleep(50L << attempt);
                }
                Map<String, List<WriteRequest>> request = pending;
                var response = dynamoDb.batchWriteItem(b -> b.requestItems(request));
                pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
            }
        }
    }

    @Override
    public List<RunId> deferredRuns(String corpId, Instant bucket) {
        Set<RunId> runs = new LinkedHashSet<>();
        for (Map<String, AttributeValue> item : query(deferPk(corpId, bucket), RUN_MARK, null, Integer.MAX_VALUE)) {
            runs.add(RunId.parse(str(item, DispatchItems.RUN_KEY)));
        }
        return List.copyOf(runs);
    }

    @Override
    public DeferredPage deferred(RunId run, Instant bucket, String after, int limit) {
        String prefix = RECIPIENT_MARK + run.key() + "#";
        List<Map<String, AttributeValue>> items = query(deferPk(run.corpId(), bucket), prefix, after, limit + 1);
        List<Deferral> out = new ArrayList<>();
        List<String> positions = new ArrayList<>();
        for (Map<String, AttributeValue> item : items.subList(0, Math.min(limit, items.size()))) {
            out.add(new Deferral(str(item, DispatchItems.SENDER), str(item, "externalUserId")));
            positions.add(str(item, "sk"));
        }
        return new DeferredPage(out, positions, items.size() > limit ? positions.get(positions.size() - 1) : null);
    }

    private List<Map<String, AttributeValue>> query(String pk, String prefix, String after, int limit) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        Map<String, AttributeValue> start = after == null ? null : Map.of("pk", s(pk), "sk", s(after));
        do {
            Map<String, AttributeValue> from = start;
            var page = dynamoDb.query(b -> b.tableName(dispatchTable).keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                    .expressionAttributeValues(Map.of(":pk", s(pk), ":prefix", s(prefix))).exclusiveStartKey(from)
                    .limit(Math.min(limit - out.size(), 1000)).consistentRead(true));
            out.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && out.size() < limit);
        return out;
    }

    @Override
    public List<Day> days(String corpId, LocalDate from, LocalDate to) {
        List<Day> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusive = start;
            var page = dynamoDb.query(b -> b.tableName(sopTable).keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                    .expressionAttributeValues(Map.of(":pk", s(corpId), ":from", s(DAY + from), ":to", s(DAY + to)))
                    .exclusiveStartKey(exclusive));
            for (Map<String, AttributeValue> item : page.items()) {
                out.add(new Day(LocalDate.parse(str(item, "sk").substring(DAY.length())), dayCounters(item)));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    public static Map<String, AttributeValue> dayKey(String corpId, LocalDate day) {
        return Map.of("pk", s(corpId), "sk", s(DAY + day));
    }

    static DayCounters dayCounters(Map<String, AttributeValue> item) {
        return new DayCounters(num(item, "planned", 0), num(item, "deferredIn", 0), num(item, "deferredOut", 0), num(item, "skipped", 0));
    }

    /** ADDs a day's non-zero figures (names are placeholders). */
    public static SopItems.CounterUpdate dayUpdate(DayCounters d) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        List<String> clauses = new ArrayList<>();
        String[] n = {"planned", "deferredIn", "deferredOut", "skipped"};
        long[] v = {d.planned(), d.deferredIn(), d.deferredOut(), d.skipped()};
        for (int i = 0; i < n.length; i++) {
            if (v[i] != 0) {
                names.put("#d" + i, n[i]);
                values.put(":d" + i, n(v[i]));
                clauses.add("#d" + i + " :d" + i);
            }
        }
        return new SopItems.CounterUpdate(clauses.isEmpty() ? "" : "ADD " + String.join(", ", clauses), names, values);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
