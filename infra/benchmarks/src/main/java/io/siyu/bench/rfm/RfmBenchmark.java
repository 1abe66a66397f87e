package io.siyu.bench.rfm;

import io.siyu.bench.SdkCallCounter;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.siyu.bench.Results;
import io.siyu.core.contacts.RelationshipStatus;
import io.siyu.core.orders.CustomerRef;
import io.siyu.core.rfm.ContactFacts;
import io.siyu.core.rfm.LifecycleStage;
import io.siyu.core.rfm.RfmProfile;
import io.siyu.core.rfm.RfmRepository;
import io.siyu.core.rfm.RfmRules;
import io.siyu.core.rfm.RfmState;
import io.siyu.core.rfm.RfmThresholds;
import io.siyu.core.rfm.RfmTotals;
import io.siyu.core.rfm.Segment;
import io.siyu.dynamodb.ContactItems;
import io.siyu.dynamodb.DynamoDbRfmRepository;
import io.siyu.dynamodb.Items;
import io.siyu.dynamodb.RfmItems;
import io.siyu.emulators.LambdaContext;
import io.siyu.functions.orders.OrdersHandler;
import io.siyu.functions.rfm.RfmDailyHandler;
import io.siyu.functions.rfm.RfmStreamHandler;
import io.siyu.lambda.Env;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.RepositoryFiles;
import io.siyu.testing.StreamRecords;
import io.siyu.testing.WeComStub;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Incremental RFM on the real CDNOW purchase log (docs/rfm.md, "Performance"), against the
 * in-process emulators: every order through the order ingest (single orders, then back-fill
 * batches), the Orders stream through the rfm handler, and the daily decay job over 100,000
 * customers of whom 1% cross a boundary, side by side with the full scan a nightly batch would
 * need. Writes infra/benchmarks/results/rfm.md.
 *
 * <p>Arguments: {@code --orders N} (default: all), {@code --single N} orders through
 * {@code POST /orders} before the rest go in batches (default 5000), {@code --customers N} for the
 * decay run (default 100000).
 */
public final class RfmBenchmark {

    private static final DateTimeFormatter YYYYMMDD = DateTimeFormatter.ofPattern("yyyyMMdd");

    record Row(String customer, LocalDate day, long cents) {}

    record Measure(String name, long units, double seconds, SdkCallCounter.Snapshot dynamo) {
        double perSecond() {
            return units / seconds;
        }

        String perUnit(double value) {
            return String.format(Locale.ROOT, "%.2f", value / units);
        }
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) {
            // The emulators' threads would keep the JVM alive: end it either way.
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(String[] args) throws Exception {
        Map<String, String> options = options(args);
        Configurator.setLevel("io.siyu", Level.WARN);
        Configurator.setLevel("software.amazon.lambda.powertools", Level.ERROR);
        AwsEmulators aws = AwsEmulators.shared();
        List<Row> rows = cdnow(Integer.parseInt(options.getOrDefault("orders", "0")));
        int single = Math.min(rows.size(), Integer.parseInt(options.getOrDefault("single", "5000")));
        int decayCustomers = Integer.parseInt(options.getOrDefault("customers", "100000"));
        StringBuilder out = new StringBuilder();
        try {
            runCdnow(aws, rows, single, out);
            runDecay(aws, decayCustomers, out);
        } finally {
            Env.useProcessEnvironment();
        }
        Results.write("rfm.md", header(rows, single, decayCustomers) + out);
        aws.close();
    }

    // ------------------------------------------------------------------ CDNOW through ingest and stream

    private static void runCdnow(AwsEmulators aws, List<Row> rows, int single, StringBuilder out) throws Exception {
        aws.reset();
        stubWeComTags(aws.wecomStub());
        String corp = AwsEmulators.CORP_ID;
        LocalDate today = RfmRules.localDay(Instant.now());
        LocalDate lastDay = rows.stream().map(Row::day).max(LocalDate::compareTo).orElseThrow();
        long shift = ChronoUnit.DAYS.between(lastDay, today.minusDays(1));

        // The customers as attribution would have recorded them: each a contact of one staff member.
        Map<String, Boolean> customers = new LinkedHashMap<>();
        rows.forEach(r -> customers.put(r.customer(), true));
        seedContacts(aws, corp, new ArrayList<>(customers.keySet()));
        DynamoDbRfmRepository rfm = new DynamoDbRfmRepository(aws.dynamoDb(), aws.stack().tableName("RfmTable"), null);
        // CDNOW orders are small (a CD is about $15): M thresholds in its cents, R and F as the defaults.
        RfmThresholds thresholds = new RfmThresholds(RfmThresholds.DEFAULTS.recencyDays(), RfmThresholds.DEFAULTS.frequencyOrders(),
                List.of(2_000L, 5_000L, 10_000L, 30_000L), 3, 30);
        rfm.saveThresholds(corp, thresholds, Instant.now(), "benchmark");

        Env.use(aws.environmentOf("OrdersFunction"));
        OrdersHandler orders = new OrdersHandler();
        List<String> bodies = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            bodies.add(orderJson(i, rows.get(i), shift));
        }

        SdkCallCounter.reset();
        SdkCallCounter.enabled = true;
        long t0 = System.nanoTime();
        for (int i = 0; i < single; i++) {
            post(orders, "/orders", bodies.get(i));
        }
        Measure singles = new Measure("POST /orders (one order a request)", single, seconds(t0), SdkCallCounter.snapshot());

        SdkCallCounter.reset();
        t0 = System.nanoTime();
        for (int from = single; from < rows.size(); from += 500) {
            post(orders, "/orders/batch", "{\"orders\":[" + String.join(",", bodies.subList(from, Math.min(rows.size(), from + 500))) + "]}");
        }
        Measure batches = new Measure("POST /orders/batch (500 a request)", rows.size() - single, seconds(t0), SdkCallCounter.snapshot());
        SdkCallCounter.enabled = false;

        // The stream, read from the emulator as Lambda's poller would, handed over 100 records a batch.
        List<DynamodbStreamRecord> records = StreamRecords.of(aws, "OrdersTable").next();
        Env.use(aws.environmentOf("RfmFunction"));
        RfmStreamHandler handler = new RfmStreamHandler();
        int tagCallsBefore = aws.wecomStub().calls("externalcontact/mark_tag");
        SdkCallCounter.reset();
        SdkCallCounter.enabled = true;
        t0 = System.nanoTime();
        for (int from = 0; from < records.size(); from += 100) {
            StreamsEventResponse r = handler.handleRequest(
                    StreamRecords.event(records.subList(from, Math.min(records.size(), from + 100))), new LambdaContext("rfm", 60));
            if (!r.getBatchItemFailures().isEmpty()) {
                throw new IllegalStateException("batch at " + from + " reported failures " + r.getBatchItemFailures());
            }
        }
        Measure stream = new Measure("rfm stream handler (100 records a batch)", records.size(), seconds(t0), SdkCallCounter.snapshot());
        SdkCallCounter.enabled = false;
        int markTags = aws.wecomStub().calls("externalcontact/mark_tag") - tagCallsBefore;
        int addTags = aws.wecomStub().calls("externalcontact/add_corp_tag");
        long events = aws.publishedEvents().stream().filter(e -> e.source().equals("siyu.rfm")).count();

        // Checked against a recomputation from the log itself, outside the measured time.
        int mismatches = verify(rfm, corp, rows, shift);
        RfmRepository.Distribution d = rfm.distribution(corp);

        out.append("## CDNOW through the order ingest and the rfm stream handler\n\n");
        out.append(String.format(Locale.ROOT, "%,d orders of %,d customers, sent in time order; dates shifted by %,d days so the log ends yesterday"
                + " (%s); every customer a contact of one staff member; M thresholds %s fen (cents), R and F the defaults.%n%n",
                rows.size(), customers.size(), shift, today.minusDays(1), thresholds.monetaryFen()));
        out.append("| phase | units | seconds | per second | DynamoDB requests / unit | items read / unit | items written / unit | RCU / unit | WCU / unit |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Measure m : List.of(singles, batches, stream)) {
            if (m.units() == 0) {
                continue;
            }
            out.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %,.0f | %s | %s | %s | %s | %s |%n", m.name(), m.units(), m.seconds(),
                    m.perSecond(), m.perUnit(m.dynamo().requests()), m.perUnit(m.dynamo().itemsRead()),
                    m.perUnit(m.dynamo().itemsWritten()), m.perUnit(m.dynamo().readUnits()), m.perUnit(m.dynamo().writeUnits())));
        }
        out.append(String.format(Locale.ROOT, "%nSide by side: a batch request ingests %.1f× as many orders a second as single requests.%n",
                batches.units() == 0 || singles.units() == 0 ? 0 : batches.perSecond() / singles.perSecond()));
        out.append(String.format(Locale.ROOT, "%nWeCom: %,d `mark_tag` calls for %,d stream records (%.3f a record; one per active staff"
                        + " member when a customer's segment or stage changes, coalesced per customer within a batch), %d `add_corp_tag`"
                        + " calls in all (the two tag groups, once). %,d `RfmSegmentChanged` events published.%n",
                markTags, records.size(), (double) markTags / records.size(), addTags, events));
        out.append(String.format(Locale.ROOT, "%nCorrectness: %,d of %,d customers' totals differ from a recomputation from the log.%n",
                mismatches, customers.size()));
        out.append("\nDistribution after the run (from the counters):\n\n| segment | customers | | stage | customers |\n|---|---:|---|---|---:|\n");
        Segment[] segments = Segment.values();
        LifecycleStage[] stages = LifecycleStage.values();
        for (int i = 0; i < segments.length; i++) {
            out.append(String.format(Locale.ROOT, "| %s | %,d | | %s | %s |%n", segments[i].label(), d.segments().get(segments[i]),
                    i < stages.length ? stages[i].label() : "", i < stages.length ? String.format(Locale.ROOT, "%,d", d.stages().get(stages[i])) : ""));
        }
        out.append("\n");
    }

    private static int verify(DynamoDbRfmRepository rfm, String corp, List<Row> rows, long shift) {
        Map<String, long[]> expected = new HashMap<>();
        for (Row r : rows) {
            long[] e = expected.computeIfAbsent(r.customer(), k -> new long[3]);
            e[0]++;
            e[1] += r.cents();
            e[2] = Math.max(e[2], paidAt(r, shift).toEpochMilli());
        }
        int mismatches = 0;
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            Optional<RfmState> s = rfm.state(corp, CustomerRef.externalUser(e.getKey()));
            RfmTotals want = new RfmTotals(e.getValue()[0], e.getValue()[1], Instant.ofEpochMilli(e.getValue()[2]));
            if (s.isEmpty() || !s.get().totals().equals(want) || !s.get().settled()) {
                mismatches++;
            }
        }
        return mismatches;
    }

    // ------------------------------------------------------------------ daily decay

    private static void runDecay(AwsEmulators aws, int n, StringBuilder out) {
        aws.reset();
        stubWeComTags(aws.wecomStub());
        String corp = AwsEmulators.CORP_ID;
        Instant now = Instant.now();
        LocalDate today = RfmRules.localDay(now);
        LocalDate scoredOn = today.minusDays(1);
        RfmThresholds t = RfmThresholds.DEFAULTS;
        int[] crossing = {30, 60, 90, 180};
        List<Map<String, AttributeValue>> items = new ArrayList<>(n);
        List<String> dueContacts = new ArrayList<>();
        int due = 0;
        for (int i = 0; i < n; i++) {
            String id = String.format("wmdecay%07d", i);
            boolean isDue = i % 100 == 0;
            // Due: last paid one day past a recency threshold as of today. The rest: a boundary 2 to 31 days ahead.
            long daysAgo = isDue ? crossing[(i / 100) % crossing.length] + 1 : i % 30;
            Instant lastPaid = today.minusDays(daysAgo).atTime(12, 0).atZone(RfmRules.ZONE).toInstant();
            RfmTotals totals = new RfmTotals(1 + i % 7, 1_000L * (1 + i % 900), lastPaid);
            RfmProfile p = RfmRules.evaluate(totals, ContactFacts.UNKNOWN, t, scoredOn).orElseThrow();
            if (isDue) {
                due++;
                dueContacts.add(id);
                if (!today.equals(p.nextBoundary())) {
                    throw new IllegalStateException("seeding error: " + id + " due " + p.nextBoundary());
                }
            }
            RfmState s = new RfmState(CustomerRef.externalUser(id), totals, p, scoredOn, p.segment(), p.stage(), List.of(), 1);
            items.add(RfmItems.stateItem(corp, s, now));
        }
        long seed0 = System.nanoTime();
        batchWrite(aws, aws.stack().tableName("RfmTable"), items);
        seedContacts(aws, corp, dueContacts);
        double seedSeconds = seconds(seed0);

        Env.use(aws.environmentOf("RfmDailyFunction"));
        RfmDailyHandler daily = new RfmDailyHandler();
        SdkCallCounter.reset();
        SdkCallCounter.enabled = true;
        long t0 = System.nanoTime();
        Map<String, Object> result = daily.handleRequest(Map.of("scheduledTime", now.toString()), new LambdaContext("rfm-daily", 900));
        Measure job = new Measure("daily job", n, seconds(t0), SdkCallCounter.snapshot());

        // What re-scoring everyone would at least read: every customer record, once.
        SdkCallCounter.reset();
        t0 = System.nanoTime();
        long scanned = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = aws.dynamoDb().scan(b -> b.tableName(aws.stack().tableName("RfmTable")).select(Select.COUNT).exclusiveStartKey(from));
            scanned += page.scannedCount();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        Measure scan = new Measure("full scan", n, seconds(t0), SdkCallCounter.snapshot());
        SdkCallCounter.enabled = false;

        out.append("## Daily recency decay\n\n");
        out.append(String.format(Locale.ROOT, "%,d customer records (seeded in %.0f s), %,d of them (%.1f%%) crossing a recency"
                        + " boundary today (thresholds 30, 60, 90 and 180 days in turn), each of those a contact of one staff member."
                        + " The job reads the boundary index for today and the %s days before (catch-up), then each due customer.%n%n",
                n, seedSeconds, due, 100.0 * due / n, Env.optional("RFM_CATCH_UP_DAYS", "31")));
        out.append("| | customers re-scored | items read | RCU | DynamoDB requests | seconds |\n|---|---:|---:|---:|---:|---:|\n");
        out.append(String.format(Locale.ROOT, "| daily job (boundary index) | %s | %,d | %.1f | %,d | %.1f |%n", result.get("rescored"),
                job.dynamo().itemsRead(), job.dynamo().readUnits(), job.dynamo().requests(), job.seconds()));
        out.append(String.format(Locale.ROOT, "| full scan of the customer records (what a nightly re-score must read) | | %,d | %.1f | %,d | %.1f |%n",
                scanned, scan.dynamo().readUnits(), scan.dynamo().requests(), scan.seconds()));
        out.append(String.format(Locale.ROOT, "%nItems read: the job %,d, that is %.2f per due customer and %.2f%% of the full scan's %,d"
                        + " (the scan reads %.0f× as many). The job's work follows the customers crossing a boundary, not all customers."
                        + " WeCom `mark_tag` calls: %s; transitions: %s.%n",
                job.dynamo().itemsRead(), (double) job.dynamo().itemsRead() / due, 100.0 * job.dynamo().itemsRead() / scanned, scanned,
                (double) scanned / job.dynamo().itemsRead(), result.get("tagCalls"), result.get("transitions")));
    }

    // ------------------------------------------------------------------ helpers

    private static void post(OrdersHandler handler, String path, String body) throws Exception {
        String ts = Long.toString(Instant.now().getEpochSecond());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(AwsEmulators.ORDER_SOURCE_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((ts + ".").getBytes(StandardCharsets.US_ASCII));
        String signature = "v1=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        // Built directly rather than from the fixture file (HttpApiEvents), so that reading and parsing
        // the fixture is not part of the measured time.
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRouteKey("POST " + path)
                .withRawPath(path).withBody(body).withIsBase64Encoded(false)
                .withHeaders(Map.of("content-type", "application/json", "x-siyu-source", AwsEmulators.ORDER_SOURCE,
                        "x-siyu-timestamp", ts, "x-siyu-signature", signature))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST").withPath(path).build())
                        .build())
                .build();
        APIGatewayV2HTTPResponse r = handler.handleRequest(event, new LambdaContext("orders", 29));
        if (r.getStatusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.getStatusCode() + ": " + r.getBody());
        }
    }

    private static Instant paidAt(Row r, long shift) {
        return r.day().plusDays(shift).atTime(12, 0).atZone(RfmRules.ZONE).toInstant();
    }

    private static String orderJson(int i, Row r, long shift) {
        String t = paidAt(r, shift).atZone(RfmRules.ZONE).toOffsetDateTime().toString();
        return "{\"order_id\":\"cdnow-" + i + "\",\"external_userid\":\"" + r.customer() + "\",\"amount_fen\":" + r.cents()
                + ",\"currency\":\"CNY\",\"status\":\"PAID\",\"paid_at\":\"" + t + "\",\"updated_at\":\"" + t + "\"}";
    }

    private static List<Row> cdnow(int limit) throws IOException {
        Path file = RepositoryFiles.referenceDir().resolve("data/CDNOW_master.txt");
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 4 || !f[0].matches("\\d+")) {
                continue; // the header
            }
            rows.add(new Row("wmcdnow" + f[0], LocalDate.parse(f[1], YYYYMMDD), Math.round(Double.parseDouble(f[3]) * 100)));
        }
        // The file is sorted by customer; an order system sends (and back-fills) in time order.
        rows.sort(java.util.Comparator.comparing(Row::day));
        return limit > 0 && limit < rows.size() ? List.copyOf(rows.subList(0, limit)) : rows;
    }

    private static void seedContacts(AwsEmulators aws, String corp, List<String> externalUserIds) {
        Instant added = Instant.parse("2020-01-01T00:00:00Z");
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (String id : externalUserIds) {
            Map<String, AttributeValue> profile = new HashMap<>();
            profile.put(ContactItems.PK, Items.s(ContactItems.pk(corp, id)));
            profile.put(ContactItems.SK, Items.s(ContactItems.PROFILE));
            profile.put(ContactItems.EXTERNAL_USER_ID, Items.s(id));
            profile.put(ContactItems.FIRST_ADDED_AT, Items.n(added.toEpochMilli()));
            profile.put(ContactItems.ACTIVE_RELATIONSHIPS, Items.n(1));
            items.add(profile);
            Map<String, AttributeValue> rel = new HashMap<>();
            rel.put(ContactItems.PK, Items.s(ContactItems.pk(corp, id)));
            rel.put(ContactItems.SK, Items.s(ContactItems.REL + "sales01"));
            rel.put(ContactItems.EXTERNAL_USER_ID, Items.s(id));
            rel.put(ContactItems.USER_ID, Items.s("sales01"));
            rel.put(ContactItems.STATUS, Items.s(RelationshipStatus.ACTIVE.name()));
            rel.put(ContactItems.FIRST_ADDED_AT, Items.n(added.toEpochMilli()));
            rel.put(ContactItems.ADDED_AT, Items.n(added.toEpochMilli()));
            items.add(rel);
        }
        batchWrite(aws, aws.stack().tableName("ContactsTable"), items);
    }

    private static void batchWrite(AwsEmulators aws, String table, List<Map<String, AttributeValue>> items) {
        for (int from = 0; from < items.size(); from += 25) {
            List<WriteRequest> writes = items.subList(from, Math.min(items.size(), from + 25)).stream()
                    .map(i -> WriteRequest.builder().putRequest(PutRequest.builder().item(i).build()).build()).toList();
            Map<String, List<WriteRequest>> pending = Map.of(table, writes);
            while (!pending.isEmpty()) {
                Map<String, List<WriteRequest>> current = pending;
                var r = aws.dynamoDb().batchWriteItem(b -> b.requestItems(current));
                pending = r.hasUnprocessedItems() ? r.unprocessedItems() : Map.of();
            }
        }
    }

    /** add_corp_tag answers as documented (wecom-api.md §7), with an id per tag; mark_tag answers ok. */
    private static void stubWeComTags(WeComStub wecom) {
        wecom.okWhenBodyContains("externalcontact/add_corp_tag", "RFM客户分层", tagGroup("etG1", "RFM客户分层",
                Arrays.stream(Segment.values()).map(Segment::label).toList()));
        wecom.okWhenBodyContains("externalcontact/add_corp_tag", "客户生命周期", tagGroup("etG2", "客户生命周期",
                Arrays.stream(LifecycleStage.values()).map(LifecycleStage::label).toList()));
        wecom.ok("externalcontact/mark_tag");
    }

    private static String tagGroup(String groupId, String name, List<String> tags) {
        StringBuilder s = new StringBuilder("{\"errcode\":0,\"errmsg\":\"ok\",\"tag_group\":{\"group_id\":\"" + groupId
                + "\",\"group_name\":\"" + name + "\",\"create_time\":1795400000,\"order\":0,\"tag\":[");
        for (int i = 0; i < tags.size(); i++) {
            s.append(i == 0 ? "" : ",").append("{\"id\":\"").append(groupId).append("T").append(i).append("\",\"name\":\"")
                    .append(tags.get(i)).append("\",\"create_time\":1795400000,\"order\":").append(i).append("}");
        }
        return s.append("]}}").toString();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            out.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return out;
    }

    private static String header(List<Row> rows, int single, int decayCustomers) {
        return "# RFM benchmark: order ingest, incremental stream handler, daily decay\n\n"
                + "Written by `io.siyu.bench.rfm.RfmBenchmark`. Run it from the repository root:\n\n"
                + "```\nmvn -B -pl infra/benchmarks -am package -DskipTests\n"
                + "java -cp infra/benchmarks/target/benchmarks.jar io.siyu.bench.rfm.RfmBenchmark   # optional: --orders N --single N --customers N\n```\n\n"
                + String.format(Locale.ROOT, "Run of %s: %,d CDNOW orders (%,d through `POST /orders`, the rest through `POST /orders/batch`),"
                        + " %,d customers for the decay run.%n%n", LocalDate.now(), rows.size(), single, decayCustomers)
                + String.format(Locale.ROOT, "Machine: %d cores shared with other work (other benchmarks and builds ran at the same time), %s %s, Java %s; everything in one JVM: DynamoDB Local"
                        + " (in memory; the version pom.xml pins), the WeCom API as WireMock, EventBridge as a WireMock stub, the handlers called directly with"
                        + " Lambda event objects. Absolute figures are this machine's; the ratios within one run are what carry over."
                        + " DynamoDB figures are counted by an SDK interceptor on every client (capacity units as DynamoDB Local reports"
                        + " them; transactions cost double); reading the stream (Lambda's poller in AWS) is not counted.%n%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"));
    }
}
