package io.siyu.dynamodb;

import static io.siyu.dynamodb.Items.n;
import static io.siyu.dynamodb.Items.num;
import static io.siyu.dynamodb.Items.s;
import static io.siyu.dynamodb.Items.str;

import io.siyu.core.links.LinkStore;
import io.siyu.core.links.TrackedLink;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The Links table (docs/tables.md): one partition per code ({@code corpId#code}) holding the link
 * ({@code sk = LINK}) and its counters per local day ({@code sk = D#yyyy-MM-dd}); request claims
 * ({@code corpId#R#requestId}) and visitor markers ({@code corpId#V#sha256}) with a TTL. Link and
 * day items carry {@code stepKey} / {@code stepSort} for the ByStep index (the step report).
 */
public final class DynamoDbLinks implements LinkStore {

    public static final String BY_STEP = "ByStep";
    static final String LINK = "LINK";
    /** How long a request id is remembered (a platform retry comes within seconds). */
    static final Duration REQUEST_TTL = Duration.ofDays(1);
    /** A visitor marker outlives its local day by a day (the day is in Asia/Shanghai, the TTL in epoch seconds). */
    static final Duration VISITOR_TTL = Duration.ofDays(2);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;

    public DynamoDbLinks(DynamoDbClient dynamoDb, String table, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.clock = clock;
    }

    static String pk(String corpId, String code) {
        return corpId + "#" + code;
    }

    static String stepKey(String corpId, String sopId, String stepId) {
        return corpId + "#" + sopId + "#" + stepId;
    }

    @Override
    public void register(TrackedLink link) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(pk(link.corpId(), link.code())));
        item.put("sk", s(LINK));
        item.put("code", s(link.code()));
        item.put("url", s(link.url()));
        item.put("corpId", s(link.corpId()));
        item.put("sopId", s(link.sopId()));
        item.put("stepId", s(link.stepId()));
        item.put("runKey", s(link.runKey()));
        item.put("sender", s(link.sender()));
        item.put("createdAt", n(clock.millis()));
        item.put("stepKey", s(stepKey(link.corpId(), link.sopId(), link.stepId())));
        item.put("stepSort", s("L#" + link.code()));
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", "pk")));
        } catch (ConditionalCheckFailedException exists) {
            // Registered before (a retried commit, an earlier run of the step): the same URL is fine.
            TrackedLink stored = find(link.corpId(), link.code(), true).orElse(null);
            if (stored == null || !stored.url().equals(link.url()) || !stored.sender().equals(link.sender())
                    || !stored.stepId().equals(link.stepId()) || !stored.sopId().equals(link.sopId())) {
                throw new CodeTaken(link.code());
            }
        }
    }

    @Override
    public Optional<TrackedLink> find(String corpId, String code) {
        return find(corpId, code, false);
    }

    Optional<TrackedLink> find(String corpId, String code, boolean consistent) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(consistent)
                .key(Map.of("pk", s(pk(corpId, code)), "sk", s(LINK)))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(link(item));
    }

    private static TrackedLink link(Map<String, AttributeValue> item) {
        return new TrackedLink(str(item, "code"), str(item, "url"), str(item, "corpId"), str(item, "sopId"),
                str(item, "stepId"), str(item, "runKey"), str(item, "sender"));
    }

    /** The link and the visitor's marker in one BatchGetItem (eventually consistent, like {@link #find(String, String)}). */
    @Override
    public Optional<Found> find(String corpId, String code, String visitorKey) {
        if (visitorKey == null) {
            return find(corpId, code).map(link -> new Found(link, false));
        }
        Map<String, AttributeValue> linkKey = Map.of("pk", s(pk(corpId, code)), "sk", s(LINK));
        Map<String, AttributeValue> visitorMarker = Map.of("pk", s(corpId + "#V#" + visitorKey), "sk", s("V"));
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(linkKey, visitorMarker).build());
        Map<String, AttributeValue> link = null;
        boolean seen = false;
        for (int attempt = 0; !request.isEmpty(); attempt++) {
            if (attempt == 3) {
                // DynamoDB left keys unprocessed three times (throttling): read the link alone, let the marker's condition decide.
                return find(corpId, code).map(l -> new Found(l, false));
            }
            Map<String, KeysAndAttributes> ask = request;
            BatchGetItemResponse r = dynamoDb.batchGetItem(b -> b.requestItems(ask));
            for (Map<String, AttributeValue> item : r.responses().getOrDefault(table, List.of())) {
                if (LINK.equals(str(item, "sk"))) {
                    link = item;
                } else {
                    seen = true;
                }
            }
            request = r.hasUnprocessedKeys() ? r.unprocessedKeys() : Map.of();
        }
        if (link == null) {
            return Optional.empty();
        }
        return Optional.of(new Found(link(link), seen));
    }

    @Override
    public Counted count(Click click) {
        TrackedLink link = click.link();
        long now = click.at().getEpochSecond();
        TransactWriteItem claim = TransactWriteItem.builder().put(p -> p.tableName(table)
                .item(Map.of("pk", s(link.corpId() + "#R#" + click.requestId()), "sk", s("R"),
                        "expiresAt", n(now + REQUEST_TTL.toSeconds())))
                .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", "pk"))).build();
        if (click.bot()) {
            return write(List.of(claim, counter(click, Map.of("botClicks", 1L))), Counted.BOT);
        }
        if (click.visitorKey() != null) {
            TransactWriteItem visitor = TransactWriteItem.builder().put(p -> p.tableName(table)
                    .item(Map.of("pk", s(link.corpId() + "#V#" + click.visitorKey()), "sk", s("V"),
                            "expiresAt", n(now + VISITOR_TTL.toSeconds())))
                    .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", "pk"))).build();
            try {
                Transactions.write(dynamoDb, List.of(claim, visitor,
                        counter(click, linkedMap("clicks", 1L, "uniqueVisitors", 1L))));
                return Counted.CLICK_NEW_VISITOR;
            } catch (Transactions.ConditionFailed failed) {
                if (failed.index == 0) {
                    return Counted.DUPLICATE;
                }
                // A visitor already counted for this code today: count the click alone.
            }
        }
        return write(List.of(claim, counter(click, Map.of("clicks", 1L))), Counted.CLICK);
    }

    private Counted write(List<TransactWriteItem> items, Counted outcome) {
        try {
            Transactions.write(dynamoDb, items);
            return outcome;
        } catch (Transactions.ConditionFailed failed) {
            return Counted.DUPLICATE; // only the claim has a condition
        }
    }

    private static Map<String, Long> linkedMap(String k1, long v1, String k2, long v2) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    /** ADD of the day's counters; the step's index keys are set on the way (the first click creates the item). */
    private TransactWriteItem counter(Click click, Map<String, Long> adds) {
        TrackedLink link = click.link();
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> add = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, Long> e : adds.entrySet()) {
            names.put("#a" + i, e.getKey());
            values.put(":a" + i, n(e.getValue()));
            add.add("#a" + i + " :a" + i);
            i++;
        }
        values.put(":stepKey", s(stepKey(link.corpId(), link.sopId(), link.stepId())));
        values.put(":stepSort", s("D#" + click.day() + "#" + link.code()));
        values.put(":code", s(link.code()));
        values.put(":day", s(click.day().toString()));
        String update = "ADD " + String.join(", ", add) + " SET #stepKey = :stepKey, #stepSort = :stepSort, #code = :code, #day = :day";
        names.put("#day", "day");
        names.put("#code", "code");
        names.put("#stepKey", "stepKey");
        names.put("#stepSort", "stepSort");
        return TransactWriteItem.builder().update(u -> u.tableName(table)
                .key(Map.of("pk", s(pk(link.corpId(), link.code())), "sk", s("D#" + click.day())))
                .updateExpression(update).expressionAttributeNames(names).expressionAttributeValues(values)).build();
    }

    @Override
    public StepLinks step(String corpId, String sopId, String stepId) {
        Map<String, TrackedLink> links = new LinkedHashMap<>();
        Map<String, long[]> perCode = new LinkedHashMap<>();
        TreeMap<LocalDate, DayCounts> days = new TreeMap<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamoDb.query(b -> {
                b.tableName(table).indexName(BY_STEP).keyConditionExpression("stepKey = :k")
                        .expressionAttributeValues(Map.of(":k", s(stepKey(corpId, sopId, stepId))));
                if (from != null) {
                    b.exclusiveStartKey(from);
                }
            });
            for (Map<String, AttributeValue> item : page.items()) {
                String sort = str(item, "stepSort");
                if (sort.startsWith("L#")) {
                    links.put(str(item, "code"), new TrackedLink(str(item, "code"), str(item, "url"), str(item, "corpId"),
                            str(item, "sopId"), str(item, "stepId"), str(item, "runKey"), str(item, "sender")));
                } else if (sort.startsWith("D#")) {
                    LocalDate day = LocalDate.parse(str(item, "day"));
                    DayCounts counts = new DayCounts(day, num(item, "clicks", 0), num(item, "uniqueVisitors", 0),
                            num(item, "botClicks", 0));
                    days.merge(day, counts, DayCounts::plus);
                    long[] sum = perCode.computeIfAbsent(str(item, "code"), c -> new long[3]);
                    sum[0] += counts.clicks();
                    sum[1] += counts.uniqueVisitors();
                    sum[2] += counts.botClicks();
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        List<LinkTotals> totals = new ArrayList<>();
        links.forEach((code, link) -> {
            long[] sum = perCode.getOrDefault(code, new long[3]);
            totals.add(new LinkTotals(code, link.url(), link.sender(), sum[0], sum[1], sum[2]));
        });
        return new StepLinks(List.copyOf(days.values()), totals);
    }
}
