package io.siyu.local.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.local.demo.StackClient;
import io.siyu.local.probe.ProbeStack;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import io.siyu.testing.TestTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The event sources the local stack reads from a template, proved on a template of probe
 * functions: SQS batches and partial batch responses, DynamoDB stream batches, partial failures,
 * bisection, retries and on-failure records, FilterCriteria, EventBridge rules routed by Event
 * Ruler with asynchronous retries and an on-failure destination, schedules fired by hand and by
 * their expression, and a RequestStreamHandler behind an HttpApi route.
 */
@Tag("emulator")
class EventSourcesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final String TEMPLATE = """
            AWSTemplateFormatVersion: "2010-09-09"
            Transform: AWS::Serverless-2016-10-31
            Globals:
              Function:
                Runtime: java21
                Timeout: 10
                Environment:
                  Variables:
                    PROBE_LOG: !Ref ProbeLog
            Parameters:
              ProbeLog:
                Type: String
            Resources:
              ProbeBus:
                Type: AWS::Events::EventBus
                Properties:
                  Name: probe-bus
              ItemsTable:
                Type: AWS::DynamoDB::Table
                Properties:
                  BillingMode: PAY_PER_REQUEST
                  AttributeDefinitions:
                    - AttributeName: pk
                      AttributeType: S
                  KeySchema:
                    - AttributeName: pk
                      KeyType: HASH
                  StreamSpecification:
                    StreamViewType: NEW_AND_OLD_IMAGES
              QuietTable:
                Type: AWS::DynamoDB::Table
                Properties:
                  BillingMode: PAY_PER_REQUEST
                  AttributeDefinitions:
                    - AttributeName: pk
                      AttributeType: S
                  KeySchema:
                    - AttributeName: pk
                      KeyType: HASH
                  StreamSpecification:
                    StreamViewType: NEW_AND_OLD_IMAGES
              WorkDeadLetters:
                Type: AWS::SQS::Queue
              WorkQueue:
                Type: AWS::SQS::Queue
                Properties:
                  VisibilityTimeout: 1
                  RedrivePolicy:
                    deadLetterTargetArn: !GetAtt WorkDeadLetters.Arn
                    maxReceiveCount: 2
              FailuresQueue:
                Type: AWS::SQS::Queue
              SqsProbeFunction:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: probe/target/probe.jar
                  Handler: io.siyu.local.probe.SqsProbe::handleRequest
                  Events:
                    Work:
                      Type: SQS
                      Properties:
                        Queue: !GetAtt WorkQueue.Arn
                        BatchSize: 3
                        FunctionResponseTypes: [ReportBatchItemFailures]
              StreamProbeFunction:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: probe/target/probe.jar
                  Handler: io.siyu.local.probe.StreamProbe::handleRequest
                  Events:
                    Items:
                      Type: DynamoDB
                      Properties:
                        Stream: !GetAtt ItemsTable.StreamArn
                        StartingPosition: TRIM_HORIZON
                        BatchSize: 4
                        BisectBatchOnFunctionError: true
                        MaximumRetryAttempts: 1
                        MaximumRecordAgeInSeconds: 3600
                        FunctionResponseTypes: [ReportBatchItemFailures]
                        FilterCriteria:
                          Filters:
                            - Pattern: '{"eventName": ["INSERT", "MODIFY"]}'
                        DestinationConfig:
                          OnFailure:
                            Destination: !GetAtt FailuresQueue.Arn
                    Quiet:
                      Type: DynamoDB
                      Properties:
                        Stream: !GetAtt QuietTable.StreamArn
                        StartingPosition: TRIM_HORIZON
                        BatchSize: 4
              EventProbeFunction:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: probe/target/probe.jar
                  Handler: io.siyu.local.probe.EventProbe::handleRequest
                  EventInvokeConfig:
                    MaximumRetryAttempts: 1
                    DestinationConfig:
                      OnFailure:
                        Type: SQS
                        Destination: !GetAtt FailuresQueue.Arn
                  Events:
                    Pings:
                      Type: EventBridgeRule
                      Properties:
                        EventBusName: !Ref ProbeBus
                        Pattern:
                          source: [probe]
                          detail-type: [Ping]
                          detail:
                            level: [{numeric: [">", 2]}]
                    Nightly:
                      Type: ScheduleV2
                      Properties:
                        ScheduleExpression: cron(0 3 * * ? *)
                        ScheduleExpressionTimezone: Asia/Shanghai
                    Weekly:
                      Type: Schedule
                      Properties:
                        Schedule: cron(0 1 ? * MON *)
                        Input: '{"source":"probe.schedule","detail-type":"Weekly","detail":{"n":1}}'
              EchoProbeFunction:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: probe/target/probe.jar
                  Handler: io.siyu.local.probe.EchoProbe
                  Environment:
                    Variables:
                      PROBE_GREETING: hello
                  Events:
                    One:
                      Type: HttpApi
                      Properties:
                        Path: /probe/{id}
                        Method: GET
                    Rest:
                      Type: HttpApi
                      Properties:
                        Path: /probe/{proxy+}
                        Method: ANY
            """;

    static ProbeStack probe;
    static LocalStack stack;
    static StackClient client;
    static SqsClient sqs;
    static DynamoDbClient dynamoDb;
    static EventBridgeClient eventBridge;
    @BeforeAll
    static void start() {
        // The local stack always runs its own in-process emulators; the moto pass would repeat this unchanged.
        assumeTrue(TestTarget.current() == TestTarget.IN_PROCESS, "the local stack runs its own emulators");
        probe = ProbeStack.create(TEMPLATE);
        stack = probe.start(probe.settings().withSchedulesAuto(true));
        var s = stack.settings();
        client = new StackClient(stack.url(), s.adminToken(), s.corpId(), s.wecomToken(), s.wecomAesKey(), Clock.systemUTC());
        sqs = stack.endpoints().sqsClient();
        dynamoDb = stack.endpoints().dynamoDbClient();
        eventBridge = stack.endpoints().eventBridgeClient();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    static void idle() {
        assertThat(client.awaitIdle(Duration.ofSeconds(60))).as("the stack settles").isTrue();
    }

    static String queue(String logicalId) {
        return stack.resources().queueUrl(logicalId);
    }

    static List<Message> drain(String logicalId) {
        List<Message> all = new ArrayList<>();
        List<Message> got;
        do {
            got = sqs.receiveMessage(b -> b.queueUrl(queue(logicalId)).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
            all.addAll(got);
            got.forEach(m -> sqs.deleteMessage(b -> b.queueUrl(queue(logicalId)).receiptHandle(m.receiptHandle())));
        } while (!got.isEmpty());
        return all;
    }

    /** body -> how often the probe saw it, over the SQS log lines whose bodies start with {@code prefix}. */
    static Map<String, Long> sqsSeen(String prefix) {
        return probe.lines("sqs.log").stream().flatMap(l -> Arrays.stream(l.split(",")))
                .map(e -> e.split("@")[0]).filter(b -> b.startsWith(prefix))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    @Test
    void sqsBatchesAreNoLargerThanBatchSizeAndEveryMessageIsDeletedOnce() {
        for (int i = 0; i < 7; i++) {
            int n = i;
            sqs.sendMessage(b -> b.queueUrl(queue("WorkQueue")).messageBody("batch-" + n));
        }
        idle();

        assertThat(sqsSeen("batch-")).hasSize(7).allSatisfy((body, count) -> assertThat(count).as(body).isEqualTo(1));
        assertThat(probe.lines("sqs.log")).filteredOn(l -> l.startsWith("batch-"))
                .allSatisfy(l -> assertThat(l.split(",")).hasSizeLessThanOrEqualTo(3));
        assertThat(probe.lines("sqs.log")).filteredOn(l -> l.startsWith("batch-"))
                .allSatisfy(l -> assertThat(l).contains("@aws:sqs"));
    }

    @Test
    void aReportedSqsFailureStaysOnTheQueueUntilItsDeadLetterQueue() {
        sqs.sendMessage(b -> b.queueUrl(queue("WorkQueue")).messageBody("partial-ok"));
        sqs.sendMessage(b -> b.queueUrl(queue("WorkQueue")).messageBody("fail-partial"));
        idle();

        assertThat(sqsSeen("partial-ok")).containsEntry("partial-ok", 1L);
        // Received twice (maxReceiveCount 2), then moved to the dead-letter queue by the queue itself.
        assertThat(sqsSeen("fail-partial")).containsEntry("fail-partial", 2L);
        assertThat(drain("WorkDeadLetters")).extracting(Message::body).containsExactly("fail-partial");
    }

    @Test
    void aFunctionErrorLeavesTheWholeSqsBatchOnTheQueue() {
        sqs.sendMessage(b -> b.queueUrl(queue("WorkQueue")).messageBody("boom-whole"));
        idle();

        assertThat(sqsSeen("boom-whole")).containsEntry("boom-whole", 2L);
        assertThat(drain("WorkDeadLetters")).extracting(Message::body).containsExactly("boom-whole");
    }

    static void putItem(String pk, String behaviour) {
        putItems(List.of(pk), id -> behaviour);
    }

    /** One BatchWriteItem, so the records tend to share a batch (the assertions hold either way). */
    static void putItems(List<String> pks, Function<String, String> behaviour) {
        List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> writes = pks.stream().map(pk ->
                software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder().putRequest(p -> p.item(Map.of(
                        "pk", AttributeValue.fromS(pk), "behaviour", AttributeValue.fromS(behaviour.apply(pk))))).build()).toList();
        dynamoDb.batchWriteItem(b -> b.requestItems(Map.of(stack.resources().tableName("ItemsTable"), writes)));
    }

    /** id -> how often the stream probe saw it. */
    static Map<String, Long> streamSeen(String prefix) {
        return probe.lines("stream.log").stream().flatMap(l -> Arrays.stream(l.split(",")))
                .map(e -> e.split(":")[0]).filter(id -> id.startsWith(prefix))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    static List<List<String>> streamBatches(String prefix) {
        return probe.lines("stream.log").stream().filter(l -> l.startsWith(prefix))
                .map(l -> Arrays.stream(l.split(",")).map(e -> e.split(":")[0]).toList()).toList();
    }

    @Test
    void aTableFirstWrittenAfterItsPollerReadTheEmptyStreamIsStillDelivered() {
        // Only this test writes QuietTable: its poller has read the empty shard by the time the stack is idle.
        idle();
        dynamoDb.putItem(b -> b.tableName(stack.resources().tableName("QuietTable"))
                .item(Map.of("pk", AttributeValue.fromS("quiet-1"), "behaviour", AttributeValue.fromS("ok"))));
        idle();

        assertThat(streamSeen("quiet-")).containsExactly(Map.entry("quiet-1", 1L));
    }

    @Test
    void aStreamBatchIsRetriedFromItsFirstReportedFailure() {
        putItems(List.of("retry-s1", "retry-s2", "retry-s3", "retry-s4"), id -> id.endsWith("s3") ? "fail-once" : "ok");
        idle();

        List<List<String>> batches = streamBatches("retry-");
        assertThat(batches).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(4)); // BatchSize 4
        int failed = -1;
        for (int i = 0; i < batches.size(); i++) {
            if (batches.get(i).contains("retry-s3")) {
                failed = i;
                break;
            }
        }
        List<String> first = batches.get(failed);
        List<String> retried = batches.get(failed + 1);
        // The retry starts at the failed record and carries the records that followed it.
        assertThat(retried.get(0)).isEqualTo("retry-s3");
        assertThat(retried).containsAll(first.subList(first.indexOf("retry-s3"), first.size()));
        Map<String, Long> seen = streamSeen("retry-");
        assertThat(seen).containsEntry("retry-s1", 1L).containsEntry("retry-s2", 1L).containsEntry("retry-s3", 2L);
        assertThat(seen.get("retry-s4")).isEqualTo(first.contains("retry-s4") ? 2L : 1L);
    }

    @Test
    void aPoisonRecordIsBisectedDownToItselfRetriedThenSentToTheOnFailureQueue() {
        drain("FailuresQueue");
        putItems(List.of("poison-p1", "poison-p2", "poison-p3", "poison-p4"), id -> id.endsWith("p2") ? "poison" : "ok");
        idle();

        assertThat(streamSeen("poison-")).containsKeys("poison-p1", "poison-p3", "poison-p4");
        // Split down to a batch of one, which fails 1 + MaximumRetryAttempts (1) times and is skipped.
        assertThat(streamBatches("poison-")).filteredOn(b -> b.equals(List.of("poison-p2"))).hasSize(2);
        List<Message> failures = drain("FailuresQueue");
        assertThat(failures).hasSize(1);
        JsonNode record = json(failures.get(0).body());
        assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("RetryAttemptsExhausted");
        JsonNode info = record.path("DDBStreamBatchInfo");
        assertThat(info.path("batchSize").asInt()).isEqualTo(1);
        assertThat(info.path("startSequenceNumber").asText()).isEqualTo(info.path("endSequenceNumber").asText());
        assertThat(info.path("streamArn").asText()).isEqualTo(stack.resources().streamArn("ItemsTable"));
    }

    @Test
    void recordsTheFilterCriteriaDoNotMatchNeverReachTheFunction() {
        putItem("filter-x", "ok");
        idle();
        dynamoDb.deleteItem(b -> b.tableName(stack.resources().tableName("ItemsTable"))
                .key(Map.of("pk", AttributeValue.fromS("filter-x"))));
        idle();

        assertThat(probe.lines("stream.log")).anyMatch(l -> l.contains("filter-x:INSERT"));
        assertThat(probe.lines("stream.log")).noneMatch(l -> l.contains("filter-x:REMOVE"));
    }

    static void put(String source, String detailType, String detail) {
        eventBridge.putEvents(b -> b.entries(e -> e.eventBusName("probe-bus").source(source).detailType(detailType).detail(detail)));
    }

    @Test
    void busEventsReachTheFunctionsWhoseRulePatternMatches() {
        put("probe", "Ping", "{\"level\":3,\"tag\":\"match\"}");
        put("probe", "Ping", "{\"level\":1,\"tag\":\"too-low\"}");
        put("probe", "Pong", "{\"level\":5,\"tag\":\"other-type\"}");
        put("elsewhere", "Ping", "{\"level\":5,\"tag\":\"other-source\"}");
        idle();

        assertThat(probe.lines("events.log")).filteredOn(l -> l.startsWith("probe|"))
                .containsExactly("probe|Ping|{level=3, tag=match}|[]");
        JsonNode log = client.events();
        assertThat(log).anySatisfy(e -> {
            assertThat(e.path("detail").path("tag").asText()).isEqualTo("match");
            assertThat(e.path("matchedRules")).extracting(JsonNode::asText).containsExactly("EventProbeFunction.Pings");
        });
        assertThat(log).anySatisfy(e -> {
            assertThat(e.path("detail").path("tag").asText()).isEqualTo("too-low");
            assertThat(e.path("matchedRules")).isEmpty();
        });
    }

    @Test
    void aFailingAsynchronousEventIsRetriedThenSentToTheOnFailureDestination() {
        drain("FailuresQueue");
        put("probe", "Ping", "{\"level\":9,\"boom\":true}");
        idle();

        assertThat(probe.lines("events.log")).filteredOn(l -> l.contains("boom")).hasSize(2); // 1 + MaximumRetryAttempts 1
        List<Message> failures = drain("FailuresQueue");
        assertThat(failures).hasSize(1);
        JsonNode record = json(failures.get(0).body());
        assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("RetriesExhausted");
        assertThat(record.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(2);
        assertThat(record.path("requestPayload").path("detail").path("boom").asBoolean()).isTrue();
        assertThat(record.path("responsePayload").path("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
    }

    @Test
    void aScheduleFiredByHandDeliversTheSchedulersDefaultEvent() {
        StackClient.Reply r = client.fireSchedule("EventProbeFunction.Nightly");
        assertThat(r.status()).isEqualTo(202);
        idle();

        assertThat(probe.lines("events.log")).anySatisfy(l -> assertThat(l)
                .startsWith("aws.scheduler|Scheduled Event|{}|[arn:aws:scheduler:")
                .contains(":schedule/default/EventProbeFunctionNightly"));
        assertThat(client.fireSchedule("NoSuchFunction.Nothing").status()).isEqualTo(400);
    }

    @Test
    void schedulesAreArmedByTheirExpressionsAndTheirInputIsDelivered() {
        // Firing by expression itself is proved with a controlled clock in SchedulesTest.
        assertThat(stack.schedules().nextFire("EventProbeFunction.Nightly")).hasValueSatisfying(next -> {
            assertThat(next.getZone().getId()).isEqualTo("Asia/Shanghai");
            assertThat(next.toLocalTime().getHour()).isEqualTo(3);
        });
        assertThat(stack.schedules().nextFire("EventProbeFunction.Weekly")).hasValueSatisfying(next -> {
            assertThat(next.getZone()).isEqualTo(ZoneOffset.UTC); // Schedule (EventBridge rule) expressions are UTC
            assertThat(next.getDayOfWeek()).isEqualTo(java.time.DayOfWeek.MONDAY);
        });
        assertThat(client.fireSchedule("EventProbeFunction.Weekly").status()).isEqualTo(202);
        idle();
        assertThat(probe.lines("events.log")).contains("probe.schedule|Weekly|{n=1}|null");
    }

    @Test
    void aStreamHandlerGetsTheRawEventAndItsAnswerBecomesTheResponse() {
        StackClient.Reply r = client.get("/probe/abc?x=1&x=2&y=%20z", false);

        assertThat(r.status()).isEqualTo(201);
        JsonNode event = json(r.body());
        assertThat(event.path("version").asText()).isEqualTo("2.0");
        assertThat(event.path("routeKey").asText()).isEqualTo("GET /probe/{id}");
        assertThat(event.path("pathParameters").path("id").asText()).isEqualTo("abc");
        assertThat(event.path("queryStringParameters").path("x").asText()).isEqualTo("1,2");
        assertThat(event.path("queryStringParameters").path("y").asText()).isEqualTo(" z");
        assertThat(event.path("rawQueryString").asText()).isEqualTo("x=1&x=2&y=%20z");
        assertThat(event.path("requestContext").path("http").path("method").asText()).isEqualTo("GET");
        assertThat(event.path("requestContext").has("authorizer")).isFalse();

        StackClient.Reply greedy = client.post("/probe/a/b/c", "application/json", "{\"k\":1}", false);
        JsonNode post = json(greedy.body());
        assertThat(post.path("routeKey").asText()).isEqualTo("ANY /probe/{proxy+}");
        assertThat(post.path("pathParameters").path("proxy").asText()).isEqualTo("a/b/c");
        assertThat(post.path("body").asText()).isEqualTo("{\"k\":1}");
        assertThat(post.path("isBase64Encoded").asBoolean()).isFalse();
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }
}
