package io.siyu.bench.attribution;

import io.siyu.bench.CountingProxy;
import io.siyu.bench.Results;
import io.siyu.core.channels.Channel;
import io.siyu.core.channels.WelcomeMessage;
import io.siyu.dynamodb.DynamoDbChannels;
import io.siyu.emulators.LambdaContext;
import io.siyu.emulators.lambda.LambdaFunction;
import io.siyu.emulators.template.FunctionDefinition;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.EventBridgeEvents;
import io.siyu.testing.RepositoryFiles;
import io.siyu.testing.WeComStub;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * 100,000 ContactAdded events (a new customer each, with a WelcomeCode) over 50 channels that
 * have tags and a welcome message, through the attribution handler loaded from its jar, against
 * DynamoDB Local and the WeCom stub. DynamoDB and WeCom calls are counted on the wire by proxies.
 *
 * <p>Run: {@code java -cp infra/benchmarks/target/benchmarks.jar io.siyu.bench.attribution.AttributionBenchmark [events] [threads]}
 */
public final class AttributionBenchmark {

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int channels = 50;
        AwsEmulators aws = AwsEmulators.shared();
        WeComStub wecom = aws.wecomStub().ok("externalcontact/mark_tag").ok("externalcontact/send_welcome_msg")
                .ok("externalcontact/get", "{\"errcode\":0,\"errmsg\":\"ok\",\"external_contact\":{\"external_userid\":\"wm\","
                        + "\"name\":\"客户\",\"type\":1,\"unionid\":\"ozUNION\"},\"follow_user\":[],\"next_cursor\":\"\"}");

        DynamoDbChannels repo = new DynamoDbChannels(aws.dynamoDb(), aws.stack().tableName("ChannelsTable"));
        for (int c = 0; c < channels; c++) {
            repo.save(new Channel(AwsEmulators.CORP_ID, String.format("bench%03d", c), "channel " + c, List.of("staff" + (c % 10)),
                    true, List.of("etChannel" + c, "etNew"), new WelcomeMessage("欢迎 " + c, null), null, "cfg" + c, "qr", null, null,
                    Channel.Status.ACTIVE, Instant.now(), Instant.now(), "bench"));
        }
        try (CountingProxy dynamo = new CountingProxy(aws.endpoints().dynamoDb());
             CountingProxy wecomProxy = new CountingProxy(java.net.URI.create(aws.wecom().baseUrl()))) {
            FunctionDefinition definition = aws.stack().template().function("AttributionFunction");
            Map<String, String> env = new LinkedHashMap<>(aws.environmentOf("AttributionFunction"));
            env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint().toString());
            env.put("WECOM_API_BASE_URL", wecomProxy.endpoint().toString());
            LambdaFunction function = LambdaFunction.load(definition, RepositoryFiles.root().resolve(definition.codeUri()))
                    .configure(env).initialise();
            wecom.server().resetRequests();

            AtomicInteger next = new AtomicInteger();
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                running.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < events; i = next.getAndIncrement()) {
                        Instant now = Instant.now();
                        String detail = "{\"eventId\":\"" + now.getEpochSecond() + "-bench" + i + "\",\"corpId\":\"" + AwsEmulators.CORP_ID
                                + "\",\"occurredAt\":\"" + now + "\",\"userId\":\"staff" + (i % 10) + "\",\"externalUserId\":\"wmBench"
                                + i + "\",\"state\":\"ch_" + String.format("bench%03d", i % channels)
                                + "\",\"welcomeCode\":\"CODE" + i + "\",\"pendingConfirmation\":false}";
                        function.invoke(EventBridgeEvents.json("siyu.wecom", "ContactAdded", detail, now),
                                new LambdaContext("attribution", 15));
                        if (i > 0 && i % 10_000 == 0) {
                            wecom.server().resetRequests(); // the stub's request journal would hold every call
                            System.out.printf("%,d events, %.0f/s%n", i, i / ((System.nanoTime() - start) / 1e9));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            pool.shutdown();
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Long> ddbCalls = dynamo.calls();
            Map<String, Long> wecomCalls = wecomProxy.calls();
            StringBuilder md = new StringBuilder(String.format("# Attribution: %,d new customers over 50 channels%n%n", events));
            md.append(String.format("%,d ContactAdded events (each a new customer with a WelcomeCode, through a channel with two tags and a "
                    + "welcome message) through the attribution handler loaded from its jar, %d invocations at a time, against DynamoDB "
                    + "Local and the WeCom stub. Calls counted on the wire by proxies.%n%n", events, threads));
            md.append(String.format("| figure | value |%n|---|---|%n| events/second | %.0f |%n| wall time | %.0f s |%n", events / seconds, seconds));
            md.append(String.format("| DynamoDB items written per event | %.2f |%n", dynamo.itemsWritten() / (double) events));
            md.append(String.format("| DynamoDB requests per event | %.2f |%n", dynamo.totalCalls() / (double) events));
            md.append(String.format("| WeCom calls per event | %.2f |%n", wecomProxy.totalCalls() / (double) events));
            md.append("\nDynamoDB requests by operation (per event): ");
            ddbCalls.forEach((k, v) -> md.append(String.format("%s %.2f; ", k, v / (double) events)));
            md.append("\n\nDynamoDB Local's mean answer time by operation (ms): ");
            dynamo.meanMillis().forEach((k, v) -> md.append(String.format("%s %.1f; ", k, v)));
            md.append("\n\nWeCom calls by API (per event): ");
            wecomCalls.forEach((k, v) -> md.append(String.format("%s %.2f; ", k.replace("/cgi-bin/", ""), v / (double) events)));
            md.append("\n\nPer event: one Query (the customer's partition) and one transaction (the event, the profile, the "
                    + "relationship, the day's counters of the channel; 4 items), then one more transaction that clears the tags' and "
                    + "profile's pending marks and stores the profile (2 items); WeCom: send_welcome_msg, mark_tag, externalcontact/get. The channel "
                    + "is cached, so channel reads are a handful in all.\n");
            md.append("\nRun: `mvn -B -DskipTests package && java -cp infra/benchmarks/target/benchmarks.jar "
                    + "io.siyu.bench.attribution.AttributionBenchmark [events] [threads]`\n");
            Results.write("attribution.md", md.toString());
            function.close();
        }
        aws.close();
        System.exit(0);
    }
}
