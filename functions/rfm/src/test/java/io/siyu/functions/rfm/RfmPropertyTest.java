package io.siyu.functions.rfm;

import static io.siyu.functions.rfm.RfmTestKit.TODAY;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.core.contacts.RelationshipStatus;
import io.siyu.core.orders.CustomerRef;
import io.siyu.core.orders.Order;
import io.siyu.core.orders.OrderStatus;
import io.siyu.core.rfm.ContactFacts;
import io.siyu.core.rfm.LifecycleStage;
import io.siyu.core.rfm.RfmProfile;
import io.siyu.core.rfm.RfmRepository;
import io.siyu.core.rfm.RfmRules;
import io.siyu.core.rfm.RfmState;
import io.siyu.core.rfm.RfmThresholds;
import io.siyu.core.rfm.RfmTotals;
import io.siyu.core.rfm.Segment;
import io.siyu.dynamodb.DynamoDbContactDirectory;
import io.siyu.dynamodb.OrderItems;
import io.siyu.lambda.Env;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.PublishedEvent;
import io.siyu.testing.StreamRecords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The correctness bar of incremental RFM: random order histories (payments, partial and full
 * refunds, cancellations, deletes, orders moving between customers, resends of the same version,
 * stale versions) are written to the Orders table, and the emulator's stream is delivered to the
 * handler the way Lambda may deliver it: records of different orders interleaved as if from
 * different shards, batches of any size, whole batches or their tails delivered again, and WeCom
 * failing now and then so that batches are reported failed and redelivered from that record.
 * Afterwards every customer's totals, scores, segment and stage must equal a batch recomputation
 * from the final orders, the distribution counters must equal a count of those segments and
 * stages, each transition must have been published exactly once, and every active staff member's
 * WeCom tags must be the customer's segment and stage.
 */
@Tag("emulator")
class RfmPropertyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ORDERS = 6;
    private static final AtomicInteger CORPS = new AtomicInteger();

    private static AwsEmulators aws;
    private static StreamRecords stream;

    sealed interface Op permits Put, Delete {}

    /** An order system write: the order in this version. */
    record Put(int order, int customer, OrderStatus status, long fen, int paidDaysAgo, int version) implements Op {}

    /** The order removed from the table (a purge, or a manual fix). */
    record Delete(int order) implements Op {}

    record History(List<Op> ops, List<Integer> script) {}

    @BeforeContainer
    static void start() {
        aws = AwsEmulators.shared();
        aws.reset();
        RfmTestKit.stubTagApi(aws);
        stream = StreamRecords.of(aws, "OrdersTable");
    }

    @AfterContainer
    static void restore() {
        Env.useProcessEnvironment();
    }

    @Provide
    Arbitrary<History> histories() {
        Arbitrary<Op> put = Combinators.combine(
                Arbitraries.integers().between(0, ORDERS - 1),
                Arbitraries.integers().between(0, 4),
                Arbitraries.of(OrderStatus.class),
                Arbitraries.of(0L, 100L, 5_000L, 10_000L, 49_999L, 50_000L, 120_000L, 600_000L),
                Arbitraries.of(0, 1, 29, 30, 31, 60, 61, 90, 91, 175, 180, 181, 400),
                Arbitraries.integers().between(0, 12))
                .as((o, c, s, fen, days, v) -> (Op) new Put(o, c, s, fen, days, v));
        Arbitrary<Op> delete = Arbitraries.integers().between(0, ORDERS - 1).map(o -> (Op) new Delete(o));
        Arbitrary<Op> op = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, put), net.jqwik.api.Tuple.of(1, delete));
        return Combinators.combine(op.list().ofMinSize(1).ofMaxSize(30),
                Arbitraries.integers().between(0, 999).list().ofMinSize(10).ofMaxSize(80)).as(History::new);
    }

    @Property(tries = 100)
    void incrementalRfmEqualsABatchRecomputationFromTheFinalOrders(@ForAll("histories") History history) {
        String corp = "wwprop" + CORPS.incrementAndGet();
        RfmTestKit kit = new RfmTestKit(aws, corp, stream);
        Script script = new Script(history.script());
        List<CustomerRef> customers = seedCustomers(kit, corp);

        // Writes arrive in chunks; after each chunk, whatever the stream holds is delivered.
        Map<String, DynamodbStreamRecord> lastRecordOf = new HashMap<>();
        int written = 0;
        while (written < history.ops().size()) {
            int chunk = 1 + script.next(8);
            for (Op op : history.ops().subList(written, Math.min(history.ops().size(), written + chunk))) {
                write(kit, corp, customers, op);
            }
            written += chunk;
            deliverLikeLambda(kit, read(kit, lastRecordOf), script);
        }
        catchUp(kit, corp, lastRecordOf, script);

        Map<CustomerRef, RfmTotals> expected = recompute(corp);
        DynamoDbContactDirectory contacts = new DynamoDbContactDirectory(aws.dynamoDb(), aws.stack().tableName("ContactsTable"));
        Map<Segment, Long> segments = new EnumMap<>(Segment.class);
        Map<LifecycleStage, Long> stages = new EnumMap<>(LifecycleStage.class);
        Map<String, Set<String>> tags = RfmTestKit.tagsCarried(aws);
        Map<String, List<JsonNode>> events = events(corp);
        for (CustomerRef c : customers) {
            RfmTotals want = expected.getOrDefault(c, RfmTotals.NONE);
            ContactFacts facts = c.isExternalUser() ? ContactFacts.of(contacts.customer(corp, c.id())) : ContactFacts.UNKNOWN;
            Optional<RfmProfile> wantProfile = RfmRules.evaluate(want, facts, RfmThresholds.DEFAULTS, TODAY);
            Optional<RfmState> got = kit.state(c);
            RfmTotals gotTotals = got.map(RfmState::totals).orElse(RfmTotals.NONE);
            assertThat(gotTotals).as("totals of %s", c).isEqualTo(want);
            assertThat(got.map(RfmState::profile)).as("profile of %s", c).isEqualTo(wantProfile);
            got.ifPresent(s -> assertThat(s.settled()).as("%s settled (tags applied, events published)", c).isTrue());
            wantProfile.ifPresent(p -> {
                segments.merge(p.segment(), 1L, Long::sum);
                stages.merge(p.stage(), 1L, Long::sum);
            });

            // Each transition in the history was published, under its own id, the last one saying where the customer is
            // now. PutEvents is at least once (a call that timed out may have been accepted), so copies of one id count once.
            int transitions = got.isEmpty() ? 0 : kit.rfm.history(corp, c, 1000, null).size();
            List<JsonNode> published = events.getOrDefault(c.id(), List.of());
            assertThat(published).as("events of %s", c).hasSize(transitions);
            if (!published.isEmpty()) {
                JsonNode last = published.get(published.size() - 1);
                assertThat(last.path("toSegment").asText(null)).isEqualTo(wantProfile.map(p -> p.segment().name()).orElse(null));
                assertThat(last.path("toStage").asText(null)).isEqualTo(wantProfile.map(p -> p.stage().name()).orElse(null));
            }
            if (c.isExternalUser()) {
                for (var r : contacts.relationships(corp, c.id())) {
                    Set<String> carried = tags.getOrDefault(r.userId() + "/" + c.id(), Set.of());
                    if (r.active()) {
                        assertThat(carried).as("tags %s carries for %s", c, r.userId()).isEqualTo(wantProfile
                                .map(p -> Set.of(RfmTestKit.tagId(p.segment()), RfmTestKit.tagId(p.stage()))).orElse(Set.of()));
                    } else {
                        assertThat(carried).as("no call for lost relationship %s", r.userId()).isEmpty();
                    }
                }
            }
        }
        RfmRepository.Distribution d = kit.rfm.distribution(corp);
        for (Segment s : Segment.values()) {
            assertThat(d.segments().get(s)).as("customers in %s", s).isEqualTo(segments.getOrDefault(s, 0L));
        }
        for (LifecycleStage s : LifecycleStage.values()) {
            assertThat(d.stages().get(s)).as("customers in %s", s).isEqualTo(stages.getOrDefault(s, 0L));
        }
    }

    /** Five customers: two contacts with active staff (one of them new), a lost contact, a stranger, a unionid. */
    private static List<CustomerRef> seedCustomers(RfmTestKit kit, String corp) {
        Instant longAgo = TODAY.minusDays(200).atStartOfDay(ZoneId.of("Asia/Shanghai")).toInstant();
        Instant recently = TODAY.minusDays(10).atStartOfDay(ZoneId.of("Asia/Shanghai")).toInstant();
        Map<String, RelationshipStatus> two = new LinkedHashMap<>();
        two.put("staffA", RelationshipStatus.ACTIVE);
        two.put("staffB", RelationshipStatus.ACTIVE);
        Map<String, RelationshipStatus> mixed = new LinkedHashMap<>();
        mixed.put("staffA", RelationshipStatus.ACTIVE);
        mixed.put("staffC", RelationshipStatus.LOST);
        kit.contact(corp + "e0", longAgo, null, two);
        kit.contact(corp + "e1", recently, null, mixed);
        kit.contact(corp + "e2", longAgo, null, Map.of("staffB", RelationshipStatus.LOST));
        return List.of(CustomerRef.externalUser(corp + "e0"), CustomerRef.externalUser(corp + "e1"),
                CustomerRef.externalUser(corp + "e2"), CustomerRef.externalUser(corp + "e3"), CustomerRef.unionId(corp + "u0"));
    }

    private static void write(RfmTestKit kit, String corp, List<CustomerRef> customers, Op op) {
        if (op instanceof Delete d) {
            kit.delete("O" + d.order());
            return;
        }
        Put p = (Put) op;
        OrderStatus status = p.status() == OrderStatus.PARTIALLY_REFUNDED && p.fen() < 2 ? OrderStatus.PAID : p.status();
        long refunded = switch (status) {
            case REFUNDED -> p.fen();
            case PARTIALLY_REFUNDED -> p.fen() / 2;
            default -> 0;
        };
        Instant paidAt = status == OrderStatus.CANCELLED ? null
                : TODAY.minusDays(p.paidDaysAgo()).atTime(12, 0).atZone(ZoneId.of("Asia/Shanghai")).toInstant();
        Instant updatedAt = RfmTestKit.NOW.minusSeconds(3600L * (20 - p.version()));
        kit.write(RfmTestKit.order(corp, "O" + p.order(), customers.get(p.customer()), status, p.fen(), refunded, paidAt, updatedAt));
    }

    /**
     * Delivers new records as Lambda may: orders interleaved as if on different shards (each
     * order's own records stay in order), batches of 1 to 5, sometimes redelivered whole or from a
     * record on, sometimes with WeCom failing so the batch is reported failed and redelivered from there.
     */
    private static void deliverLikeLambda(RfmTestKit kit, List<DynamodbStreamRecord> records, Script script) {
        List<DynamodbStreamRecord> order = interleave(records, script);
        int from = 0;
        while (from < order.size()) {
            List<DynamodbStreamRecord> batch = order.subList(from, Math.min(order.size(), from + 1 + script.next(5)));
            boolean weComDown = script.next(6) == 0;
            if (weComDown) {
                aws.wecomStub().error("externalcontact/mark_tag", -1, "system busy");
            }
            StreamsEventResponse r = kit.deliver(batch);
            if (weComDown) {
                aws.wecomStub().ok("externalcontact/mark_tag");
            }
            redeliverFailed(kit, batch, r);
            switch (script.next(4)) {
                case 0 -> redeliverFailed(kit, batch, kit.deliver(batch));
                case 1 -> {
                    List<DynamodbStreamRecord> tail = batch.subList(script.next(batch.size()), batch.size());
                    redeliverFailed(kit, tail, kit.deliver(tail));
                }
                default -> { }
            }
            from += batch.size();
        }
    }

    /** New stream records, remembering each order's last one. */
    private static List<DynamodbStreamRecord> read(RfmTestKit kit, Map<String, DynamodbStreamRecord> lastRecordOf) {
        List<DynamodbStreamRecord> records = kit.records();
        records.forEach(r -> lastRecordOf.put(r.getDynamodb().getKeys().get("pk").getS(), r));
        return records;
    }

    /**
     * Delivers until the stream has caught up with the table: every order's last record shows it
     * as the table holds it now (a stream may publish a write a moment after the write returns;
     * Lambda would deliver that record later, and so does this).
     */
    private static void catchUp(RfmTestKit kit, String corp, Map<String, DynamodbStreamRecord> lastRecordOf, Script script) {
        for (int round = 0; ; round++) {
            Map<String, Map<String, AttributeValue>> table = new HashMap<>();
            scanOrders(corp, item -> table.put(item.get(OrderItems.PK).s(), item));
            Set<String> behind = new HashSet<>();
            Set<String> keys = new HashSet<>(table.keySet());
            keys.addAll(lastRecordOf.keySet());
            for (String pk : keys) {
                DynamodbStreamRecord last = lastRecordOf.get(pk);
                Map<String, AttributeValue> item = table.get(pk);
                boolean current = item == null
                        ? last == null || "REMOVE".equals(last.getEventName())
                        : last != null && last.getDynamodb().getNewImage() != null
                                && StreamImages.toSdk(last.getDynamodb().getNewImage()).equals(item);
                if (!current) {
                    behind.add(pk);
                }
            }
            if (behind.isEmpty()) {
                return;
            }
            assertThat(round).as("rounds until the stream shows the last write of %s", behind).isLessThan(100);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            deliverLikeLambda(kit, read(kit, lastRecordOf), script);
        }
    }

    /**
     * As Lambda does after a partial batch response: delivers the batch again from the first
     * failed record. Failures come from WeCom being down, and on a loaded machine from a DynamoDB
     * call over its timeout; either passes, so a few redeliveries always finish the batch.
     */
    private static void redeliverFailed(RfmTestKit kit, List<DynamodbStreamRecord> batch, StreamsEventResponse response) {
        StreamsEventResponse r = response;
        for (int retry = 0; !r.getBatchItemFailures().isEmpty(); retry++) {
            assertThat(retry).as("redeliveries of one batch").isLessThan(5);
            int at = indexOf(batch, r.getBatchItemFailures().get(0).getItemIdentifier());
            r = kit.deliver(batch.subList(at, batch.size()));
        }
    }

    private static List<DynamodbStreamRecord> interleave(List<DynamodbStreamRecord> records, Script script) {
        Map<String, List<DynamodbStreamRecord>> byOrder = new LinkedHashMap<>();
        for (DynamodbStreamRecord r : records) {
            byOrder.computeIfAbsent(r.getDynamodb().getKeys().get("pk").getS(), k -> new ArrayList<>()).add(r);
        }
        List<List<DynamodbStreamRecord>> queues = new ArrayList<>(byOrder.values());
        List<DynamodbStreamRecord> out = new ArrayList<>();
        while (!queues.isEmpty()) {
            List<DynamodbStreamRecord> q = queues.get(script.next(queues.size()));
            out.add(q.remove(0));
            if (q.isEmpty()) {
                queues.remove(q);
            }
        }
        return out;
    }

    private static int indexOf(List<DynamodbStreamRecord> batch, String sequenceNumber) {
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).getDynamodb().getSequenceNumber().equals(sequenceNumber)) {
                return i;
            }
        }
        throw new AssertionError("reported failure " + sequenceNumber + " is not in the batch");
    }

    /** The straightforward batch computation: every final order of the corp, summed per customer. */
    private static Map<CustomerRef, RfmTotals> recompute(String corp) {
        Map<CustomerRef, RfmTotals> out = new HashMap<>();
        scanOrders(corp, item -> {
            Order o = OrderItems.order(item);
            if (o.countsAsPaid()) {
                out.merge(o.customer(), new RfmTotals(1, o.netFen(), o.paidAt()), (a, b) -> new RfmTotals(
                        a.paidOrders() + b.paidOrders(), a.paidFen() + b.paidFen(),
                        a.lastPaidAt().isAfter(b.lastPaidAt()) ? a.lastPaidAt() : b.lastPaidAt()));
            }
        });
        return out;
    }

    /** Every order item of the corp, read consistently. */
    private static void scanOrders(String corp, Consumer<Map<String, AttributeValue>> each) {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = aws.dynamoDb().scan(b -> b.tableName(aws.stack().tableName("OrdersTable")).consistentRead(true)
                    .exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                if (OrderItems.order(item).corpId().equals(corp)) {
                    each.accept(item);
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }

    /** The corp's RfmSegmentChanged events by customer, in order, one per event id (consumers dedupe on it: docs/events.md). */
    private static Map<String, List<JsonNode>> events(String corp) {
        Map<String, List<JsonNode>> out = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (PublishedEvent e : aws.publishedEvents()) {
            if (!e.detailType().equals("RfmSegmentChanged")) {
                continue;
            }
            try {
                JsonNode d = JSON.readTree(e.detail());
                if (d.path("corpId").asText().equals(corp) && seen.add(d.path("eventId").asText())) {
                    String id = d.hasNonNull("externalUserId") ? d.path("externalUserId").asText() : d.path("unionId").asText();
                    out.computeIfAbsent(id, k -> new ArrayList<>()).add(d);
                }
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return out;
    }

    /** The generated delivery decisions, read in turn (and again from the start when used up). */
    private static final class Script {
        private final List<Integer> values;
        private int next;

        Script(List<Integer> values) {
            this.values = values;
        }

        int next(int bound) {
            return values.get(next++ % values.size()) % bound;
        }
    }
}
