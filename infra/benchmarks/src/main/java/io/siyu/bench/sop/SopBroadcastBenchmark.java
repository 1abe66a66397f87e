package io.siyu.bench.sop;

import io.siyu.bench.SdkCallCounter;
import io.siyu.bench.Results;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.siyu.core.contacts.Relationship;
import io.siyu.core.contacts.RelationshipStatus;
import io.siyu.core.sop.Audience;
import io.siyu.core.sop.ChatType;
import io.siyu.core.sop.Content;
import io.siyu.core.sop.Run;
import io.siyu.core.sop.RunId;
import io.siyu.core.sop.Schedule;
import io.siyu.core.sop.Sop;
import io.siyu.core.sop.SopKind;
import io.siyu.core.sop.SopStatus;
import io.siyu.core.sop.SopTime;
import io.siyu.core.sop.Step;
import io.siyu.dynamodb.ContactSeeder;
import io.siyu.dynamodb.DynamoDbPlanningStore;
import io.siyu.dynamodb.DynamoDbSopStore;
import io.siyu.emulators.LambdaContext;
import io.siyu.functions.sopplanner.ChainHandler;
import io.siyu.functions.sopplanner.PlannerHandler;
import io.siyu.functions.sopsender.SenderHandler;
import io.siyu.lambda.Env;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.SqsEvents;
import io.siyu.testing.WeComStub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Plans and dispatches one broadcast to 200,000 customers of 20 senders against DynamoDB Local,
 * ElasticMQ and the WeCom stub, through the real handlers built from the template's environment:
 * the planner's tick, the planning chains (five workers, the template's MaximumConcurrency) and
 * the sender (five workers). Writes infra/benchmarks/results/sop-broadcast.md.
 *
 * <pre>mvn -B -DskipTests package
 * java -cp infra/benchmarks/target/benchmarks.jar io.siyu.bench.sop.SopBroadcastBenchmark</pre>
 */
public final class SopBroadcastBenchmark {

    static final int CUSTOMERS = 200_000;
    static final int SENDERS = 20;
    /** Every 50th relationship is LOST (the customer deleted the staff member): skipped and counted. */
    static final int LOST_EVERY = 50;
    static final int WORKERS = 5;
    static final String API = "externalcontact/add_msg_template";
    static final LocalDateTime AT = LocalDateTime.parse("2026-03-06T18:00");

    public static void main(String[] args) throws Exception {
        AwsEmulators aws = AwsEmulators.shared();
        aws.reset();
        String corp = AwsEmulators.CORP_ID;
        WeComStub wecom = aws.wecomStub();
        wecom.ok(API, "{\"errcode\":0,\"errmsg\":\"ok\",\"fail_list\":[],\"msgid\":\"msgGCAAAXtWyujaWJHDDGi0mAAAA\"}");

        String loadBefore = loadAverage();
        Seeded seeded = seedAudience(aws, corp);
        List<String> senders = seeded.senders();
        int[] perSender = seeded.perSender();
        int[] active = seeded.active();
        double seedSeconds = seeded.seconds();

        Broadcast broadcast = planAndSend(aws, corp, senders, Map.of());
        double tickSeconds = broadcast.tickSeconds();
        double planSeconds = broadcast.planSeconds();
        double sendSeconds = broadcast.sendSeconds();
        int chainInvocations = broadcast.chainInvocations();
        int senderInvocations = broadcast.senderInvocations();
        SdkCallCounter.Snapshot before = broadcast.before();
        SdkCallCounter.Snapshot planned = broadcast.planned();
        SdkCallCounter.Snapshot sent = broadcast.sent();
        String planningQueue = aws.stack().queueUrl("SopPlanningQueue");
        String dispatchQueue = aws.stack().queueUrl("SopDispatchQueue");
        String loadAfter = loadAverage();

        // ---- what happened
        Run run = new DynamoDbPlanningStore(aws.dynamoDb(), aws.stack().tableName("SopTable"), aws.stack().tableName("SopDispatchTable"),
                Clock.systemUTC(), Duration.ofDays(1)).run(new RunId(corp, "bench", "s1", AT.toString())).orElseThrow();
        List<JsonNode> calls = wecom.bodies(API);
        int minimum = 0;
        StringBuilder perSenderRows = new StringBuilder();
        for (int s = 0; s < SENDERS; s++) {
            String name = senders.get(s);
            int min = (active[s] + 9_999) / 10_000;
            minimum += min;
            List<Integer> sizes = calls.stream().filter(c -> c.path("sender").asText().equals(name))
                    .map(c -> c.path("external_userid").size()).sorted(java.util.Comparator.reverseOrder()).toList();
            perSenderRows.append(String.format("| %s | %,d | %,d | %d | %d | %s |%n", name, perSender[s], active[s], min, sizes.size(), sizes));
        }
        long recipients = calls.stream().mapToLong(c -> c.path("external_userid").size()).sum();
        SdkCallCounter.Snapshot planning = planned.minus(before);
        SdkCallCounter.Snapshot sending = sent.minus(planned);
        long planningMessages = planning.messagesTo(planningQueue);
        long dispatchMessages = planning.messagesTo(dispatchQueue);

        String md = String.format("""
                # SOP broadcast: 200,000 customers, 20 senders

                `%s`: one broadcast step to every customer of 20 senders, planned and dispatched
                through the real handlers (built from template.yaml's environment) against DynamoDB Local,
                ElasticMQ and the WeCom stub, all in one JVM. The planning chains and the sender each ran
                with %d workers (the template's `MaximumConcurrency`). The audience is skewed (sender n has
                a share proportional to 21 − n) and 1 relationship in %d is LOST.

                Run it from the repository root (about five minutes, most of it seeding the audience):

                ```
                mvn -B -DskipTests package
                java -cp infra/benchmarks/target/benchmarks.jar io.siyu.bench.sop.SopBroadcastBenchmark
                ```

                ## Figures

                | what | value |
                |---|---|
                | relationships seeded (not timed below) | %,d in %.1f s |
                | audience: planned / skipped LOST | %,d / %,d |
                | planning wall time (tick + chains) | %.2f s (tick %.2f s) |
                | planning throughput | %,.0f recipients/s |
                | chain invocations (SQS messages on sop-planning) | %d (%d messages sent: starts and hand-ons) |
                | SQS messages sent to sop-dispatch | %d |
                | dispatch wall time (sender) | %.2f s, %d invocations |
                | **WeCom `add_msg_template` calls** | **%d, minimum Σ ceil(recipients / 10,000) = %d** |
                | recipients in those calls | %,d |
                | run figures (report) | planned %,d, sent %,d, failed %d, skipped %,d, in flight %d |
                | machine load average (1, 5, 15 min) before / after | %s / %s |

                DynamoDB, as counted by an SDK interceptor on every client in the JVM (capacity units as
                DynamoDB Local reports them):

                | phase | requests | items read | items written | read units | write units | per planned recipient: items read / written |
                |---|---|---|---|---|---|---|
                | planning | %,d | %,d | %,d | %,.1f | %,.1f | %.3f / %.5f |
                | sending | %,d | %,d | %,d | %,.1f | %,.1f | %.3f / %.5f |

                Items read while planning are the index entries of the audience (one per relationship,
                LOST included, in pages of 2,500). Items written are, first, one daily claim per planned
                recipient (a conditional PutItem: WeCom delivers one mass message per customer per day, and
                the claim keeps any other SOP from planning a second one that day, docs/sop.md), then the
                recipient pages (up to 2,500 ids each), dispatch heads, chain states and run counters: the
                claim check keeps the recipient lists in the table and each SQS message names one dispatch.
                The claims are nearly all of the planning writes. Sending reads each dispatch's
                partition once (head and pages) and writes its marker, its result and the counters.

                ## Per sender

                | sender | relationships | active | minimum calls | calls made | recipients per call |
                |---|---|---|---|---|---|
                %s
                """,
                SopBroadcastBenchmark.class.getSimpleName(), WORKERS, LOST_EVERY,
                CUSTOMERS, seedSeconds,
                run.counters().planned(), run.counters().skippedLost(),
                planSeconds, tickSeconds,
                run.counters().planned() / planSeconds,
                chainInvocations, planningMessages,
                dispatchMessages,
                sendSeconds, senderInvocations,
                calls.size(), minimum,
                recipients,
                run.counters().planned(), run.counters().sent(), run.counters().failed(), run.counters().skipped(), run.counters().inFlight(),
                loadBefore, loadAfter,
                planning.requests(), planning.itemsRead(), planning.itemsWritten(), planning.readUnits(), planning.writeUnits(),
                planning.itemsRead() / (double) run.counters().planned(), planning.itemsWritten() / (double) run.counters().planned(),
                sending.requests(), sending.itemsRead(), sending.itemsWritten(), sending.readUnits(), sending.writeUnits(),
                sending.itemsRead() / (double) run.counters().planned(), sending.itemsWritten() / (double) run.counters().planned(),
                perSenderRows.toString().strip());
        Results.write("sop-broadcast.md", md);
        System.out.println(md);
        aws.close();
        System.exit(0);
    }

    /** Timings, invocations and SDK counts of one broadcast planned and sent. */
    record Broadcast(double tickSeconds, double planSeconds, int chainInvocations, double sendSeconds, int senderInvocations,
                     SdkCallCounter.Snapshot before, SdkCallCounter.Snapshot planned, SdkCallCounter.Snapshot sent) {}

    /**
     * Creates the broadcast step (sop "bench", step "s1" at {@link #AT}) to the senders' customers,
     * then plans it (the tick, the chains until the planning queue is empty) and sends it (the
     * sender until the dispatch queue is empty), each function with the template's environment
     * plus {@code extraEnv}.
     */
    static Broadcast planAndSend(AwsEmulators aws, String corp, List<String> senders, Map<String, String> extraEnv) throws Exception {
        DynamoDbSopStore sops = new DynamoDbSopStore(aws.dynamoDb(), aws.stack().tableName("SopTable"));
        sops.create(new Sop(corp, "bench", "200k broadcast", SopKind.BROADCAST, SopStatus.ACTIVE, Audience.of(senders),
                List.of(new Step("s1", new Schedule.At(AT), ChatType.SINGLE, new Content("周五福利：全场八折", List.of()))), 1,
                Instant.now(), Instant.now()));

        // ---- planning: the tick, then the chains until the planning queue is empty
        SdkCallCounter.enabled = true;
        SdkCallCounter.Snapshot before = SdkCallCounter.snapshot();
        long planStart = System.nanoTime();
        Env.use(environment(aws, "SopPlannerFunction", extraEnv));
        new PlannerHandler().handleRequest(Map.of("scheduledTime", SopTime.instant(AT).toString()), new LambdaContext("sop-planner", 60));
        double tickSeconds = seconds(planStart);
        Env.use(environment(aws, "SopPlannerChainsFunction", extraEnv));
        ChainHandler chains = new ChainHandler();
        int chainInvocations = drain(aws, aws.stack().queueUrl("SopPlanningQueue"), aws.stack().queueArn("SopPlanningQueue"), 1,
                e -> chains.handleRequest(e, new LambdaContext("sop-planner-chains", 60)));
        double planSeconds = seconds(planStart);
        SdkCallCounter.Snapshot planned = SdkCallCounter.snapshot();

        // ---- sending: the sender until the dispatch queue is empty
        long sendStart = System.nanoTime();
        Env.use(environment(aws, "SopSenderFunction", extraEnv));
        SenderHandler sender = new SenderHandler();
        int senderInvocations = drain(aws, aws.stack().queueUrl("SopDispatchQueue"), aws.stack().queueArn("SopDispatchQueue"), 5,
                e -> sender.handleRequest(e, new LambdaContext("sop-sender", 30)));
        double sendSeconds = seconds(sendStart);
        SdkCallCounter.Snapshot sent = SdkCallCounter.snapshot();
        SdkCallCounter.enabled = false;
        Env.useProcessEnvironment();
        return new Broadcast(tickSeconds, planSeconds, chainInvocations, sendSeconds, senderInvocations, before, planned, sent);
    }

    /** A function's environment as the template and the emulators give it, with {@code extra} on top. */
    static Map<String, String> environment(AwsEmulators aws, String function, Map<String, String> extra) {
        Map<String, String> env = new java.util.LinkedHashMap<>(aws.environmentOf(function));
        env.putAll(extra);
        return env;
    }

    /** The audience as seeded: senders, relationships and ACTIVE ones per sender, and the time it took. */
    record Seeded(List<String> senders, int[] perSender, int[] active, double seconds) {}

    /** Senders with unequal books (a share proportional to 21 − n), 1 in 50 relationships LOST. */
    static Seeded seedAudience(AwsEmulators aws, String corp) throws Exception {
        int[] perSender = split(CUSTOMERS, SENDERS);
        int[] active = new int[SENDERS];
        List<String> senders = new ArrayList<>();
        List<Relationship> relationships = new ArrayList<>(CUSTOMERS);
        Instant added = Instant.parse("2026-01-10T02:00:00Z");
        int n = 0;
        for (int s = 0; s < SENDERS; s++) {
            String sender = String.format("staff%02d", s + 1);
            senders.add(sender);
            for (int i = 0; i < perSender[s]; i++, n++) {
                boolean lost = n % LOST_EVERY == LOST_EVERY - 1;
                if (!lost) {
                    active[s]++;
                }
                relationships.add(ContactSeeder.relationship(corp, String.format("wm%026d", n), sender,
                        lost ? RelationshipStatus.LOST : RelationshipStatus.ACTIVE, "k3v9x2pq", java.util.Set.of("etVIP"), added));
            }
        }
        long seedStart = System.nanoTime();
        seed(new ContactSeeder(aws.dynamoDb(), aws.stack().tableName("ContactsTable"), corp), relationships);
        double seedSeconds = seconds(seedStart);
        System.out.printf("seeded %d relationships in %.1f s%n", CUSTOMERS, seedSeconds);
        return new Seeded(senders, perSender, active, seedSeconds);
    }

    /** Shares proportional to 21 − n, summing to {@code total}. */
    static int[] split(int total, int parts) {
        int weights = parts * (parts + 1) / 2;
        int[] out = new int[parts];
        int given = 0;
        for (int i = 0; i < parts; i++) {
            out[i] = total * (parts - i) / weights;
            given += out[i];
        }
        out[0] += total - given;
        return out;
    }

    static void seed(ContactSeeder seeder, List<Relationship> relationships) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4, withCallersClassLoader());
        List<Future<?>> parts = new ArrayList<>();
        int chunk = 5_000;
        for (int from = 0; from < relationships.size(); from += chunk) {
            List<Relationship> part = relationships.subList(from, Math.min(relationships.size(), from + chunk));
            parts.add(pool.submit(() -> seeder.putAll(part)));
        }
        for (Future<?> f : parts) {
            f.get();
        }
        pool.shutdown();
    }

    /**
     * Plays Lambda's SQS poller with {@link #WORKERS} concurrent invocations until the queue has
     * no message left, visible or in flight. Returns the number of invocations.
     */
    static int drain(AwsEmulators aws, String queueUrl, String queueArn, int batchSize,
                             Function<SQSEvent, SQSBatchResponse> handler) throws Exception {
        AtomicInteger invocations = new AtomicInteger();
        AtomicInteger busy = new AtomicInteger();
        Supplier<Boolean> empty = () -> {
            Map<QueueAttributeName, String> a = aws.sqs().getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
            return busy.get() == 0 && "0".equals(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                    && "0".equals(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
        };
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS, withCallersClassLoader());
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            workers.add(pool.submit(() -> {
                int idle = 0;
                while (idle < 3) {
                    busy.incrementAndGet();
                    int got;
                    try {
                        got = SqsEvents.deliver(aws.sqs(), queueUrl, queueArn, batchSize, 0, e -> {
                            invocations.incrementAndGet();
                            return handler.apply(e);
                        });
                    } finally {
                        busy.decrementAndGet();
                    }
                    if (got > 0) {
                        idle = 0;
                    } else if (empty.get()) {
                        idle++;
                    } else {
                        Thread.sleep(20);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : workers) {
            f.get();
        }
        pool.shutdown();
        return invocations.get();
    }

    /** exec:java runs the program in its own class loader; pool threads must see the same classes. */
    static java.util.concurrent.ThreadFactory withCallersClassLoader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return r -> {
            Thread t = new Thread(r);
            t.setContextClassLoader(loader);
            t.setDaemon(true);
            return t;
        };
    }

    /** The machine is shared: the load average says how much of it the run had. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

}
