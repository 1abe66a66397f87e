package io.siyu.bench.sop;

import static io.siyu.bench.sop.SopBroadcastBenchmark.AT;
import static io.siyu.bench.sop.SopBroadcastBenchmark.loadAverage;
import static io.siyu.bench.sop.SopBroadcastBenchmark.seconds;

import io.siyu.bench.Results;
import io.siyu.bench.SdkCallCounter;
import io.siyu.core.sop.DeliveryCounters;
import io.siyu.core.sop.Run;
import io.siyu.core.sop.RunId;
import io.siyu.dynamodb.DynamoDbPlanningStore;
import io.siyu.emulators.LambdaContext;
import io.siyu.functions.sopsender.DeliverySyncHandler;
import io.siyu.lambda.Env;
import io.siyu.testing.AwsEmulators;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The SOP delivery sync at scale: the 200,000-customer broadcast of {@link SopBroadcastBenchmark}
 * (20 senders, 30 WeCom tasks) is planned and sent, every sender confirms, and the delivery sync
 * function (its template environment, its 300 s timeout) reads what WeCom did with each recipient.
 * Measures the WeCom calls against the minimum (1,000 rows a page), DynamoDB requests and writes
 * per recipient, and wall time, and checks the report against WeCom's own outcomes. Writes
 * infra/benchmarks/results/sop-delivery-sync.md.
 *
 * <pre>mvn -B -DskipTests package
 * java -cp infra/benchmarks/target/benchmarks.jar io.siyu.bench.sop.SopDeliverySyncBenchmark</pre>
 */
public final class SopDeliverySyncBenchmark {

    public static void main(String[] args) throws Exception {
        AwsEmulators aws = AwsEmulators.shared();
        aws.reset();
        String corp = AwsEmulators.CORP_ID;
        try (MassMessagingWeCom wecom = MassMessagingWeCom.start()) {
            Map<String, String> env = Map.of("WECOM_API_BASE_URL", wecom.baseUrl());
            String loadBefore = loadAverage();
            SopBroadcastBenchmark.Seeded seeded = SopBroadcastBenchmark.seedAudience(aws, corp);
            SopBroadcastBenchmark.planAndSend(aws, corp, seeded.senders(), env);

            // ---- the sync, invoked as the schedule would until a run finds nothing due
            Env.use(SopBroadcastBenchmark.environment(aws, "SopDeliverySyncFunction", env));
            DeliverySyncHandler sync = new DeliverySyncHandler();
            SdkCallCounter.enabled = true;
            SdkCallCounter.Snapshot before = SdkCallCounter.snapshot();
            long start = System.nanoTime();
            List<Map<String, Object>> invocations = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Map<String, Object> out = sync.handleRequest(Map.of(), new LambdaContext("sop-delivery-sync", 300));
                invocations.add(out);
                if (((Number) out.get("synced")).intValue() == 0) {
                    break;
                }
            }
            double syncSeconds = seconds(start);
            SdkCallCounter.Snapshot synced = SdkCallCounter.snapshot().minus(before);
            SdkCallCounter.enabled = false;
            Env.useProcessEnvironment();
            String loadAfter = loadAverage();

            // ---- the truth, from WeCom's side, against the report
            Run run = new DynamoDbPlanningStore(aws.dynamoDb(), aws.stack().tableName("SopTable"), aws.stack().tableName("SopDispatchTable"),
                    Clock.systemUTC(), Duration.ofDays(1)).run(new RunId(corp, "bench", "s1", AT.toString())).orElseThrow();
            DeliveryCounters d = run.delivery();
            List<Integer> sizes = wecom.taskSizes();
            long recipients = sizes.stream().mapToLong(Integer::longValue).sum();
            long minimumResultPages = sizes.stream().mapToLong(n -> (n + 999) / 1000).sum();
            long sent = wecom.recipientsWith(1);
            long notFriend = wecom.recipientsWith(2);
            long skipped = wecom.recipientsWith(3);
            boolean truthful = d.sent() == sent && d.notFriend() == notFriend && d.skippedDailyLimit() == skipped
                    && d.confirmed() == recipients && d.tasksClosed() == sizes.size() && run.counters().planned() == recipients;

            String md = String.format("""
                    # SOP delivery sync: 200,000-recipient broadcast, 20 senders

                    `%s`: the broadcast of `SopBroadcastBenchmark` (%,d recipients planned, %d WeCom tasks)
                    is planned and sent through the real handlers; then every sender has confirmed and the
                    delivery sync function (its template environment, its 300 s timeout) reads the outcome of
                    every recipient. WeCom is played by `MassMessagingWeCom`, an HTTP server with state that
                    answers like §9 of wecom-api.md: a msgid per task, cursor pages of up to 1,000 rows, and a
                    fixed outcome per recipient (85 %% sent, 10 %% skipped by the daily limit, 5 %% not a
                    friend), so the truth is known independently of Siyu. DynamoDB Local and ElasticMQ run in
                    the same JVM.

                    Run it from the repository root (several minutes, most of it seeding and planning):

                    ```
                    mvn -B -DskipTests package
                    java -cp infra/benchmarks/target/benchmarks.jar io.siyu.bench.sop.SopDeliverySyncBenchmark
                    ```

                    ## Figures

                    | what | value |
                    |---|---|
                    | tasks / recipients in them | %d / %,d |
                    | sync invocations (the last found nothing due) | %d: %s |
                    | sync wall time | %.2f s (%,.0f recipients/s) |
                    | **WeCom `get_groupmsg_task` calls** | **%d, minimum %d** (one sender per task: one page each) |
                    | **WeCom `get_groupmsg_send_result` calls** | **%d, minimum Σ ceil(recipients / 1,000) = %d** |
                    | page sizes asked for (`limit`) | %s |
                    | DynamoDB requests | %,d (%.4f per recipient) |
                    | DynamoDB items written / write units | %,d / %,.1f (%.4f items per recipient) |
                    | DynamoDB items read / read units | %,d / %,.1f |
                    | machine load average (1, 5, 15 min) before / after | %s / %s |

                    ## The report against WeCom's outcomes

                    | figure | WeCom (computed from the fake's outcomes) | step report (`delivery`) |
                    |---|---|---|
                    | confirmed | %,d | %,d |
                    | sent (status 1) | %,d | %,d |
                    | skippedDailyLimit (status 3) | %,d | %,d |
                    | notFriend (status 2) | %,d | %,d |
                    | tasks closed | %d | %d |

                    Report equals WeCom's outcomes: **%s**.

                    Outcomes are recorded on the recipient pages (one item per 2,500 ids, written with the
                    run's counters in one transaction per page), so the items written stay far below one per
                    recipient; the write units grow with the pages' size instead (DynamoDB bills a write by the
                    item's size, 1 KB per unit).
                    """,
                    SopDeliverySyncBenchmark.class.getSimpleName(), recipients, sizes.size(),
                    sizes.size(), recipients,
                    invocations.size(), invocations,
                    syncSeconds, recipients / syncSeconds,
                    wecom.calls(MassMessagingWeCom.TASKS), sizes.size(),
                    wecom.calls(MassMessagingWeCom.RESULTS), minimumResultPages,
                    wecom.limitsAsked(),
                    synced.requests(), synced.requests() / (double) recipients,
                    synced.itemsWritten(), synced.writeUnits(), synced.itemsWritten() / (double) recipients,
                    synced.itemsRead(), synced.readUnits(),
                    loadBefore, loadAfter,
                    recipients, d.confirmed(), sent, d.sent(), skipped, d.skippedDailyLimit(), notFriend, d.notFriend(),
                    sizes.size(), d.tasksClosed(),
                    truthful ? "yes" : "NO");
            Results.write("sop-delivery-sync.md", md);
            System.out.println(md);
        }
        aws.close();
        System.exit(0);
    }

    private SopDeliverySyncBenchmark() {
    }
}
