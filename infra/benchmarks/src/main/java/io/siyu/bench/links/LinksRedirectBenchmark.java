package io.siyu.bench.links;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.siyu.bench.CountingProxy;
import io.siyu.bench.Results;
import io.siyu.core.links.LinkCodes;
import io.siyu.core.links.TrackedLink;
import io.siyu.dynamodb.DynamoDbLinks;
import io.siyu.emulators.LambdaContext;
import io.siyu.emulators.lambda.LambdaFunction;
import io.siyu.emulators.template.FunctionDefinition;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.Fixtures;
import io.siyu.testing.RepositoryFiles;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The links function ({@code GET /l/{code}}) in process: real API Gateway HttpApi 2.0 events in,
 * 302 out, the handler loaded from its jar with the template's configuration, against DynamoDB
 * Local. Three kinds of request, interleaved: a new visitor (no cookie: one GetItem, one
 * transaction), a returning visitor (cookie already counted for the code that day: the visitor
 * marker's condition fails and the click is written alone) and a bot (one GetItem, one transaction).
 *
 * <p>Side by side, in the same loop, the floor: a handler with the same event and response types
 * that only returns a constant 302 (the Lambda event/response mapping, no DynamoDB), loaded the
 * same way. A first pass through a counting proxy checks the DynamoDB calls per request.
 *
 * <p>Run: {@code java -cp infra/benchmarks/target/benchmarks.jar io.siyu.bench.links.LinksRedirectBenchmark [requests] [warmup]}
 */
public final class LinksRedirectBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CORP = AwsEmulators.CORP_ID;
    private static final String[] KINDS = {"new visitor", "returning visitor", "bot"};
    private static final String PERSON = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800323c) NetType/WIFI Language/zh_CN";
    private static final String BOT = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)";
    private static final String RETURNING = "q1dG0vZyT7mB3wXcE9aLkA";

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 6_000;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 1_500;
        int counted = 300;
        AwsEmulators aws = AwsEmulators.shared();
        FunctionDefinition definition = aws.stack().template().function("LinksFunction");
        DynamoDbLinks links = new DynamoDbLinks(aws.dynamoDb(), aws.stack().tableName("LinksTable"), Clock.systemUTC());
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String url = "https://shop.example.com/item/" + i + "?utm_source=wecom";
            String code = LinkCodes.code(CORP, "bench", "s1", "sender" + i, url);
            links.register(new TrackedLink(code, url, CORP, "bench", "s1", CORP + "#bench#s1#2026-11-23T10:00", "sender" + i));
            codes.add(code);
        }
        String template = Fixtures.text("apigw/http-api-v2-link.json");
        // The returning visitor is counted once per code on the fixture's local day before anything is measured.
        java.time.LocalDate day = io.siyu.core.sop.SopTime.localDate(java.time.Instant.ofEpochMilli(
                JSON.readTree(template).path("requestContext").path("timeEpoch").asLong()));
        for (String code : codes) {
            links.count(new io.siyu.core.links.LinkStore.Click(links.find(CORP, code).orElseThrow(), "prime-" + code, day, false,
                    io.siyu.core.links.Visitors.key(code, RETURNING, day), java.time.Instant.now()));
        }

        Map<String, Long> calls;
        try (CountingProxy dynamo = new CountingProxy(aws.endpoints().dynamoDb())) {
            Map<String, String> env = new LinkedHashMap<>(aws.environmentOf("LinksFunction"));
            env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint().toString());
            LambdaFunction counting = LambdaFunction.load(definition, RepositoryFiles.root().resolve(definition.codeUri()))
                    .configure(env).initialise();
            for (int i = 0; i < counted; i++) {
                expect302(counting.invoke(event(template, codes.get(i % codes.size()), i % 3), new LambdaContext("links", 10)));
            }
            calls = new LinkedHashMap<>(dynamo.calls());
            // Per kind: a new visitor and a bot 1 GetItem + 1 transaction, a returning visitor 1 BatchGetItem + 1 transaction.
            counting.close();
        }

        LambdaFunction function = LambdaFunction.load(definition, RepositoryFiles.root().resolve(definition.codeUri()))
                .configure(aws.environmentOf("LinksFunction")).initialise();
        FunctionDefinition floorDefinition = new FunctionDefinition("LinksFloor", "infra/benchmarks/target/benchmarks.jar",
                RedirectFloorHandler.class.getName() + "::handleRequest", 10, 1024, Map.of(), List.of(), Map.of());
        LambdaFunction floorFunction = LambdaFunction.load(floorDefinition, RepositoryFiles.root().resolve(floorDefinition.codeUri()))
                .configure(Map.of()).initialise();
        long[][] handler = new long[3][requests / 3];
        long[][] floor = new long[3][requests / 3];
        for (int i = -warmup; i < requests - requests % 3; i++) {
            int kind = Math.floorMod(i, 3);
            String event = event(template, codes.get(Math.floorMod(i, codes.size())), kind);
            String floorEvent = event(template, codes.get(Math.floorMod(i, codes.size())), kind);
            long t0 = System.nanoTime();
            expect302(function.invoke(event, new LambdaContext("links", 10)));
            long t1 = System.nanoTime();
            expect302(floorFunction.invoke(floorEvent, new LambdaContext("links-floor", 10)));
            long t2 = System.nanoTime();
            if (i >= 0) {
                handler[kind][i / 3] = t1 - t0;
                floor[kind][i / 3] = t2 - t1;
            }
        }
        function.close();
        floorFunction.close();

        StringBuilder md = new StringBuilder("# Tracked links: `GET /l/{code}` in process\n\n");
        md.append(String.format("%,d real API Gateway HttpApi 2.0 events for `GET /l/{code}` (the test fixture with a code, a new "
                + "request id and the user agent and cookie of its kind) through the links handler loaded from its jar with the "
                + "template's configuration, one at a time, after %,d warm-up requests, against DynamoDB Local in the same JVM; "
                + "100 registered codes; the three kinds interleaved. Beside each request, in the same loop, the floor: a handler "
                + "with the same event and response types that returns a constant 302 (the Lambda event and response mapping "
                + "alone), loaded the same way.%n%n", requests - requests % 3, warmup));
        md.append("| request | p50 handler (ms) | p50 floor (ms) | p99 handler (ms) | p99 floor (ms) | p50 handler − floor (ms) |\n"
                + "|---|---|---|---|---|---|\n");
        for (int k = 0; k < 3; k++) {
            Arrays.sort(handler[k]);
            Arrays.sort(floor[k]);
            double h50 = percentile(handler[k], 0.50) / 1e6;
            double f50 = percentile(floor[k], 0.50) / 1e6;
            md.append(String.format("| %s | %.2f | %.3f | %.2f | %.3f | %.2f |%n", KINDS[k], h50, f50,
                    percentile(handler[k], 0.99) / 1e6, percentile(floor[k], 0.99) / 1e6, h50 - f50));
        }
        md.append(String.format("%nDynamoDB calls on the wire per request (first %d requests, the three kinds in turn, through a "
                + "counting proxy): ", counted));
        calls.forEach((op, n) -> md.append(String.format("%s %.2f; ", op, n / (double) counted)));
        md.append("\n\nEvery request is one read and one transaction. A new visitor (no cookie yet) costs one GetItem (the "
                + "link) and one TransactWriteItems (request claim, visitor marker, day counter); a returning visitor one "
                + "BatchGetItem (the link and the visitor's marker for the code and day) and one transaction (claim and counter; "
                + "the marker's condition still guards two first visits at once); a bot one GetItem and one transaction (claim "
                + "and counter). The difference to the floor is those round trips to DynamoDB Local plus the code check, the bot "
                + "rule and the visitor hash; DynamoDB in AWS answers in single-digit milliseconds within a region, DynamoDB "
                + "Local on a shared 2-core machine more slowly, so read the ratios, not the absolute figures.\n");
        md.append("\nRun: `mvn -B -DskipTests package && java -cp infra/benchmarks/target/benchmarks.jar "
                + "io.siyu.bench.links.LinksRedirectBenchmark [requests] [warmup]`\n");
        Results.write("links.md", md.toString());
        System.exit(0);
    }

    /** The fixture with {@code code}, a new request id, and the user agent and cookie of the kind. */
    private static String event(String template, String code, int kind) throws Exception {
        ObjectNode e = (ObjectNode) JSON.readTree(template);
        e.put("rawPath", "/l/" + code);
        ((ObjectNode) e.get("pathParameters")).put("code", code);
        ObjectNode context = (ObjectNode) e.get("requestContext");
        context.put("requestId", UUID.randomUUID().toString());
        ((ObjectNode) context.get("http")).put("path", "/l/" + code);
        String ua = kind == 2 ? BOT : PERSON;
        ((ObjectNode) e.get("headers")).put("user-agent", ua);
        ((ObjectNode) context.get("http")).put("userAgent", ua);
        if (kind == 1) {
            e.putArray("cookies").add("siyu_v=" + RETURNING);
        } else {
            e.remove("cookies");
        }
        return JSON.writeValueAsString(e);
    }

    private static void expect302(String response) {
        if (!response.contains("\"statusCode\":302")) {
            throw new IllegalStateException("not redirected: " + response);
        }
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
