package io.siyu.bench.callback;

import io.siyu.bench.CountingProxy;
import io.siyu.bench.HttpApiRequests;
import io.siyu.bench.Results;
import io.siyu.emulators.LambdaContext;
import io.siyu.emulators.lambda.LambdaFunction;
import io.siyu.emulators.template.FunctionDefinition;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.RepositoryFiles;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * End-to-end latency of the callback function in process: an API Gateway (HttpApi 2.0) event with
 * a signed, encrypted add_external_contact goes in, the response comes out; the handler is loaded
 * from its jar with the template's configuration, against DynamoDB Local (the idempotency table)
 * and the WireMock PutEvents stub. Each event is a new customer, so each is claimed and published.
 *
 * <p>Side by side, in the same loop, the floor: the two calls the path cannot avoid made directly
 * (one conditional PutItem on the idempotency table, one PutEvents), so the ratio shows what the
 * function adds to the emulators' own round trips. A first pass through counting proxies checks
 * the calls per event on the wire; the timed passes go direct.
 *
 * <p>Run: {@code java -cp infra/benchmarks/target/benchmarks.jar io.siyu.bench.callback.CallbackLatencyBenchmark [events] [warmup]}
 */
public final class CallbackLatencyBenchmark {

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int counted = 200;
        AwsEmulators aws = AwsEmulators.shared();
        FunctionDefinition definition = aws.stack().template().function("CallbackFunction");
        String idempotencyTable = aws.stack().tableName("IdempotencyTable");
        String bus = aws.stack().environmentOf("CallbackFunction").get("EVENT_BUS_NAME");

        Map<String, Long> calls;
        try (CountingProxy dynamo = new CountingProxy(aws.endpoints().dynamoDb());
             CountingProxy events1 = new CountingProxy(aws.endpoints().eventBridge())) {
            Map<String, String> env = new LinkedHashMap<>(aws.environmentOf("CallbackFunction"));
            env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint().toString());
            env.put("AWS_ENDPOINT_URL_EVENTBRIDGE", events1.endpoint().toString());
            LambdaFunction counting = LambdaFunction.load(definition, RepositoryFiles.root().resolve(definition.codeUri()))
                    .configure(env).initialise();
            for (int i = 0; i < counted; i++) {
                expectOk(counting.invoke(request("wmCount" + i), new LambdaContext("callback", 10)));
            }
            calls = new LinkedHashMap<>(dynamo.calls());
            events1.calls().forEach(calls::put);
            counting.close();
        }

        LambdaFunction function = LambdaFunction.load(definition, RepositoryFiles.root().resolve(definition.codeUri()))
                .configure(aws.environmentOf("CallbackFunction")).initialise();
        DynamoDbClient dynamoDb = aws.dynamoDb();
        EventBridgeClient eventBridge = aws.endpoints().eventBridgeClient();
        long[] handler = new long[events];
        long[] floor = new long[events];
        for (int i = -warmup; i < events; i++) {
            String event = request("wmLatency" + i);
            long t0 = System.nanoTime();
            expectOk(function.invoke(event, new LambdaContext("callback", 10)));
            long t1 = System.nanoTime();
            String key = "floor#" + i;
            dynamoDb.putItem(b -> b.tableName(idempotencyTable).item(Map.of("pk", AttributeValue.fromS(key),
                    "status", AttributeValue.fromS("COMPLETED"))).conditionExpression("attribute_not_exists(pk)"));
            eventBridge.putEvents(b -> b.entries(e -> e.eventBusName(bus).source("siyu.wecom").detailType("Floor")
                    .detail("{\"eventId\":\"" + key + "\"}")));
            long t2 = System.nanoTime();
            if (i >= 0) {
                handler[i] = t1 - t0;
                floor[i] = t2 - t1;
            }
        }
        function.close();

        Arrays.sort(handler);
        Arrays.sort(floor);
        StringBuilder md = new StringBuilder("# Callback end to end: API Gateway event in, response out\n\n");
        md.append(String.format("%,d signed, encrypted `add_external_contact` callbacks (each a new customer) through the callback "
                + "handler loaded from its jar with the template's configuration, one at a time, after %,d warm-up events; "
                + "against DynamoDB Local (idempotency claim) and the WireMock PutEvents stub, in one JVM. Beside each "
                + "invocation, in the same loop, the floor: the one conditional PutItem and the one PutEvents the path "
                + "cannot avoid, made directly with the SDK.%n%n", events, warmup));
        md.append("| percentile | handler (ms) | floor: PutItem + PutEvents (ms) | handler / floor |\n|---|---|---|---|\n");
        for (double p : new double[] {0.50, 0.90, 0.99, 0.999}) {
            double h = percentile(handler, p) / 1e6;
            double f = percentile(floor, p) / 1e6;
            md.append(String.format("| p%s | %.2f | %.2f | %.2f |%n", label(p), h, f, h / f));
        }
        md.append(String.format("| max | %.2f | %.2f | |%n", handler[events - 1] / 1e6, floor[events - 1] / 1e6));
        md.append(String.format("%nCalls on the wire per event (first %d events, through counting proxies): ", counted));
        calls.forEach((op, n) -> md.append(String.format("%s %.2f; ", op, n / (double) counted)));
        md.append("\n\nThe floor leaves out the third call, the UpdateItem that marks the claim COMPLETED after PutEvents "
                + "succeeded: it is what lets a WeCom retry after a crash between the claim and the publish (the claim's lease "
                + "ran out) publish the event instead of losing it. ");
        md.append("What the handler adds to the floor is the envelope parse, signature check, AES decrypt, XML parse, "
                + "event identity, JSON serialisation and the Lambda event/response mapping; the JMH figures in "
                + "[callback-path.md](callback-path.md) isolate the crypto and parsing part.\n");
        md.append("\nRun: `mvn -B -DskipTests package && java -cp infra/benchmarks/target/benchmarks.jar "
                + "io.siyu.bench.callback.CallbackLatencyBenchmark [events] [warmup]`\n");
        Results.write("callback-latency.md", md.toString());
        System.exit(0);
    }

    private static String request(String externalUserId) {
        return HttpApiRequests.signedCallback(HttpApiRequests.addExternalContact(externalUserId, "CODE-" + externalUserId));
    }

    private static void expectOk(String response) {
        if (!response.contains("\"statusCode\":200")) {
            throw new IllegalStateException("the callback was not accepted: " + response);
        }
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static String label(double p) {
        String s = Double.toString(p * 100);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
