package io.siyu.functions.sopsender;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.siyu.emulators.template.SamTemplate.asMap;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.siyu.core.sop.Audience;
import io.siyu.core.sop.Chain;
import io.siyu.core.sop.ChainCommit;
import io.siyu.core.sop.ChainSource;
import io.siyu.core.sop.ChatType;
import io.siyu.core.sop.Content;
import io.siyu.core.sop.DispatchFiller;
import io.siyu.core.sop.DispatchStatus;
import io.siyu.core.sop.DispatchStore.Dispatch;
import io.siyu.core.sop.RecipientStatus;
import io.siyu.core.sop.Run;
import io.siyu.core.sop.RunCounters;
import io.siyu.core.sop.RunId;
import io.siyu.core.sop.SopKind;
import io.siyu.dynamodb.DispatchItems;
import io.siyu.dynamodb.DynamoDbDispatchStore;
import io.siyu.dynamodb.DynamoDbPlanningStore;
import io.siyu.emulators.LambdaContext;
import io.siyu.lambda.Env;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import io.siyu.testing.SqsEvents;
import io.siyu.testing.WeComStub;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The sender as deployed (public constructor, the template's environment) on the emulated
 * dispatch queue and its dead-letter queue, with WeCom's documented replies from the stub.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class SenderHandlerTest {

    private static final String CORP = AwsEmulators.CORP_ID;
    private static final String API = "externalcontact/add_msg_template";
    /** The documented reply (wecom-api.md §9). */
    private static final String REPLY = "{\"errcode\":0,\"errmsg\":\"ok\",\"fail_list\":[\"wmqfasd1e1927831123109rBAAAA\"],"
            + "\"msgid\":\"msgGCAAAXtWyujaWJHDDGi0mAAAA\"}";
    private static final RunId RUN = new RunId(CORP, "sop1", "s1", "2026-03-06T18:00");
    private static final Content CONTENT = new Content("周五福利", List.of(new Content.Attachment.Image(null, "https://wework.qpic.cn/p.png"),
            new Content.Attachment.Link("标题", "https://example.com/a", null, "描述")));

    private AwsEmulators aws;
    private WeComStub wecom;
    private DynamoDbPlanningStore planning;
    private DynamoDbDispatchStore dispatches;
    private String queue;
    private String deadLetters;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        this.aws = aws;
        aws.reset();
        wecom = aws.wecomStub();
        String sopTable = aws.stack().tableName("SopTable");
        String dispatchTable = aws.stack().tableName("SopDispatchTable");
        planning = new DynamoDbPlanningStore(aws.dynamoDb(), sopTable, dispatchTable, Clock.systemUTC(), Duration.ofDays(30));
        dispatches = new DynamoDbDispatchStore(aws.dynamoDb(), sopTable, dispatchTable);
        queue = aws.stack().queueUrl("SopDispatchQueue");
        deadLetters = aws.stack().queueUrl("SopDispatchDeadLetterQueue");
        useEnvironment(Map.of());
    }

    @AfterEach
    void restore() {
        Env.useProcessEnvironment();
    }

    private void useEnvironment(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(aws.environmentOf("SopSenderFunction"));
        env.putAll(overrides);
        Env.use(env);
    }

    /** A sealed dispatch of zhangsan's, as a planning chain writes it, and its message on the queue. */
    private String dispatch(ChatType type, List<String> recipients, Content content) {
        planning.saveRun(new Run(RUN, SopKind.BROADCAST, type, content, Audience.of(List.of("zhangsan")), 1, null, RunCounters.ZERO));
        Chain chain = Chain.start(RUN, new ChainSource.Staff("zhangsan"));
        planning.createChain(chain);
        DispatchFiller filler = new DispatchFiller(chain, type, content, 10_000, 2_500, 90);
        recipients.forEach(id -> filler.offer("zhangsan", id));
        filler.sealAll();
        planning.commit(new ChainCommit(0, new Chain(chain.key(), RUN, chain.source(), 1, null, true, filler.open(), List.of()),
                filler.pages(), filler.sealed(), new RunCounters(recipients.size(), 0, 0, 0, 0, 0, 0, 1, 1, 0)));
        String key = filler.sealed().get(0).key();
        enqueue(key);
        return key;
    }

    private void enqueue(String key) {
        aws.sqs().sendMessage(b -> b.queueUrl(queue).messageBody("{\"dispatch\":\"" + key + "\"}"));
    }

    private SQSBatchResponse deliver(SenderHandler handler, int waitSeconds) {
        SQSBatchResponse[] response = new SQSBatchResponse[1];
        int received = SqsEvents.deliver(aws.sqs(), queue, aws.stack().queueArn("SopDispatchQueue"), 10, waitSeconds, e -> {
            response[0] = handler.handleRequest(e, new LambdaContext("sop-sender", 30));
            return response[0];
        });
        return received == 0 ? null : response[0];
    }

    private Dispatch stored(String key) {
        return dispatches.dispatch(key).orElseThrow();
    }

    private Map<String, AttributeValue> head(String key) {
        return aws.dynamoDb().getItem(b -> b.tableName(aws.stack().tableName("SopDispatchTable")).key(DispatchItems.headKey(key))).item();
    }

    private RunCounters counters() {
        return planning.run(RUN).orElseThrow().counters();
    }

    private static List<String> customers(int n) {
        List<String> ids = new ArrayList<>(IntStream.range(0, n - 1).mapToObj(i -> String.format("wm%026d", i)).toList());
        ids.add("wmqfasd1e1927831123109rBAAAA"); // the one WeCom's sample reply refuses
        return ids;
    }

    @Test
    void oneTaskCarriesEveryRecipientAndItsMsgidAndFailListAreRecorded() {
        wecom.ok(API, REPLY);
        String key = dispatch(ChatType.SINGLE, customers(10_000), CONTENT);
        assertThat(deliver(new SenderHandler(), 0).getBatchItemFailures()).isEmpty();

        assertThat(wecom.calls(API)).isEqualTo(1);
        var body = wecom.bodies(API).get(0);
        assertThat(body.path("chat_type").asText()).isEqualTo("single");
        assertThat(body.path("sender").asText()).isEqualTo("zhangsan");
        assertThat(body.path("external_userid")).hasSize(10_000);
        assertThat(body.path("text").path("content").asText()).isEqualTo("周五福利");
        assertThat(body.path("attachments").get(0).toString()).isEqualTo("{\"msgtype\":\"image\",\"image\":{\"pic_url\":\"https://wework.qpic.cn/p.png\"}}");
        assertThat(body.path("attachments").get(1).path("link").path("url").asText()).isEqualTo("https://example.com/a");

        Dispatch d = stored(key);
        assertThat(d.status()).isEqualTo(DispatchStatus.TASK_CREATED);
        assertThat(d.msgId()).isEqualTo("msgGCAAAXtWyujaWJHDDGi0mAAAA");
        assertThat(d.statusOf("wmqfasd1e1927831123109rBAAAA")).isEqualTo(RecipientStatus.SKIPPED_WECOM_REFUSED);
        assertThat(d.statusOf(d.recipients().get(0))).isEqualTo(RecipientStatus.TASK_CREATED);
        RunCounters c = counters();
        assertThat(c.sent()).isEqualTo(9_999);
        assertThat(c.skippedRefused()).isEqualTo(1);
        assertThat(c.inFlight()).isZero();
        assertThat(SqsEvents.drain(aws.sqs(), queue)).isEmpty();
    }

    @Test
    void aRedeliveredDispatchSendsNothingTwice() throws Exception {
        wecom.ok(API, REPLY);
        String key = dispatch(ChatType.SINGLE, customers(3), CONTENT);
        enqueue(key);
        enqueue(key); // three copies in one batch
        assertThat(deliver(new SenderHandler(), 0).getBatchItemFailures()).isEmpty();
        assertThat(wecom.calls(API)).isEqualTo(1);

        // And copies delivered at the same moment to two invocations, while WeCom is slow to answer.
        aws.reset();
        wecom = aws.wecomStub();
        aws.wecom().stubFor(any(urlPathEqualTo("/cgi-bin/" + API)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(REPLY).withFixedDelay(700)));
        String again = dispatch(ChatType.SINGLE, customers(3), CONTENT);
        List<Message> copies = new ArrayList<>(SqsEvents.drain(aws.sqs(), queue));
        enqueue(again);
        copies.addAll(SqsEvents.drain(aws.sqs(), queue));
        assertThat(copies).hasSize(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<SQSBatchResponse>> results = new ArrayList<>();
        for (Message copy : copies) {
            SenderHandler handler = new SenderHandler();
            results.add(pool.submit(() -> {
                start.await();
                return handler.handleRequest(SqsEvents.of(aws.stack().queueArn("SopDispatchQueue"), List.of(copy)),
                        new LambdaContext("sop-sender", 30));
            }));
        }
        start.countDown();
        for (Future<SQSBatchResponse> r : results) {
            assertThat(r.get().getBatchItemFailures()).isEmpty();
        }
        pool.shutdown();
        assertThat(wecom.calls(API)).isEqualTo(1);
        assertThat(counters().sent()).as("counted once").isEqualTo(2);
    }

    @Test
    void a45009ReplyLeadsToARetryThatSucceeds() {
        // A backoff long enough that the next receive, made at once, cannot see the message even on a slow machine.
        useEnvironment(Map.of("SOP_RETRY_BASE_SECONDS", "6"));
        wecom.sequence(API, "{\"errcode\":45009,\"errmsg\":\"api freq out of limit\"}", REPLY);
        String key = dispatch(ChatType.SINGLE, customers(5), CONTENT);
        SenderHandler handler = new SenderHandler();

        assertThat(deliver(handler, 0).getBatchItemFailures()).hasSize(1);
        Dispatch waiting = stored(key);
        assertThat(waiting.status()).as("WeCom did nothing: the marker is released").isEqualTo(DispatchStatus.PLANNED);
        assertThat(head(key).get("detail").s()).contains("45009");
        assertThat(deliver(handler, 0)).as("invisible during the backoff").isNull();

        assertThat(deliver(handler, 15).getBatchItemFailures()).isEmpty();
        assertThat(wecom.calls(API)).isEqualTo(2);
        Dispatch sent = stored(key);
        assertThat(sent.status()).isEqualTo(DispatchStatus.TASK_CREATED);
        assertThat(sent.attempts()).isEqualTo(2);
        assertThat(counters().sent()).isEqualTo(4);
        assertThat(counters().failed()).isZero();
    }

    @Test
    void aPermanentlyFailingMessageLandsInTheDeadLetterQueueAfterOneCall() {
        wecom.error(API, 41048, "no sendable customer");
        String key = dispatch(ChatType.SINGLE, customers(4), CONTENT);
        List<Message> dead = deliverUntilDeadLettered(new SenderHandler());

        assertThat(dead).singleElement().satisfies(m -> assertThat(m.body()).contains(key));
        assertThat(wecom.calls(API)).as("WeCom is asked once; the redeliveries only fail").isEqualTo(1);
        Dispatch d = stored(key);
        assertThat(d.status()).isEqualTo(DispatchStatus.FAILED);
        assertThat(head(key).get("failureReason").s()).isEqualTo("WECOM_ERROR");
        assertThat(head(key).get("detail").s()).contains("41048");
        assertThat(counters().failed()).isEqualTo(4);
        assertThat(counters().dispatchesDone()).isEqualTo(1);
    }

    @Test
    void aFrequencyLimitOnEveryReceiveFailsOnTheLastOneAndDeadLetters() {
        useEnvironment(Map.of("SOP_RETRY_BASE_SECONDS", "0"));
        wecom.error(API, 45009, "api freq out of limit");
        String key = dispatch(ChatType.SINGLE, customers(2), CONTENT);
        List<Message> dead = deliverUntilDeadLettered(new SenderHandler());

        assertThat(dead).hasSize(1);
        int maxReceives = Integer.parseInt(aws.environmentOf("SopSenderFunction").get("SOP_DISPATCH_MAX_RECEIVES"));
        assertThat(wecom.calls(API)).isEqualTo(maxReceives);
        assertThat(stored(key).status()).isEqualTo(DispatchStatus.FAILED);
        assertThat(head(key).get("failureReason").s()).isEqualTo("RETRIES_EXHAUSTED");
        assertThat(counters().failed()).isEqualTo(2);
    }

    @Test
    void aRequestWithoutAnAnswerIsNeverSentAgain() {
        aws.wecom().stubFor(any(urlPathEqualTo("/cgi-bin/" + API)).willReturn(aResponse().withStatus(502)));
        String key = dispatch(ChatType.SINGLE, customers(2), CONTENT);
        SenderHandler handler = new SenderHandler();
        assertThat(deliver(handler, 0).getBatchItemFailures()).hasSize(1);
        enqueue(key);
        deliver(handler, 0);
        assertThat(wecom.calls(API)).isEqualTo(1);
        assertThat(head(key).get("failureReason").s()).isEqualTo("OUTCOME_UNKNOWN");
        assertThat(stored(key).statusOf("wm00000000000000000000000000")).isEqualTo(RecipientStatus.FAILED);
    }

    @Test
    void aMarkerLeftBehindByADeadSenderIsNotSentAgain() {
        wecom.ok(API, REPLY);
        String key = dispatch(ChatType.SINGLE, customers(2), CONTENT);
        dispatches.claim(key, "dead-invocation", Instant.now().minusSeconds(1));
        assertThat(deliver(new SenderHandler(), 0).getBatchItemFailures()).hasSize(1);
        assertThat(wecom.calls(API)).isZero();
        assertThat(head(key).get("failureReason").s()).isEqualTo("OUTCOME_UNKNOWN");
        assertThat(counters().failed()).isEqualTo(2);
    }

    @Test
    void aGroupDispatchNamesItsChats() {
        wecom.ok(API, "{\"errcode\":0,\"errmsg\":\"ok\",\"fail_list\":[],\"msgid\":\"msgGROUP\"}");
        dispatch(ChatType.GROUP, List.of("wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA", "wrOgQhDgAAMYQiS5ol9G7gK9JVQAAA"), new Content("群公告", List.of()));
        assertThat(deliver(new SenderHandler(), 0).getBatchItemFailures()).isEmpty();
        var body = wecom.bodies(API).get(0);
        assertThat(body.path("chat_type").asText()).isEqualTo("group");
        assertThat(body.path("chat_id_list")).hasSize(2);
        assertThat(body.has("external_userid")).isFalse();
        assertThat(counters().sent()).isEqualTo(2);
    }

    @Test
    void contentOverWeComsLimitsFailsWithoutACall() {
        String key = dispatch(ChatType.SINGLE, customers(2), new Content("字".repeat(1334), List.of()));
        assertThat(deliver(new SenderHandler(), 0).getBatchItemFailures()).hasSize(1);
        assertThat(wecom.calls(API)).isZero();
        assertThat(head(key).get("failureReason").s()).isEqualTo("INVALID");
    }

    @Test
    void messagesThatNameNoDispatchAreReported() {
        SenderHandler handler = new SenderHandler();
        aws.sqs().sendMessage(b -> b.queueUrl(queue).messageBody("{\"dispatch\":\"" + CORP + "#nope#s1#x#S:u#u#0001\"}"));
        aws.sqs().sendMessage(b -> b.queueUrl(queue).messageBody("hello"));
        aws.sqs().sendMessage(b -> b.queueUrl(queue).messageBody("{}"));
        assertThat(deliver(handler, 0).getBatchItemFailures()).hasSize(3);
        assertThat(wecom.calls(API)).isZero();
    }

    @Test
    void theSenderKnowsTheQueuesMaxReceiveCount() {
        var redrive = asMap(aws.stack().template().resource("SopDispatchQueue").property("RedrivePolicy"));
        assertThat(aws.environmentOf("SopSenderFunction").get("SOP_DISPATCH_MAX_RECEIVES"))
                .isEqualTo(String.valueOf(redrive.get("maxReceiveCount")));
    }

    /** Plays the queue until the message is in the dead-letter queue; returns what is there. */
    private List<Message> deliverUntilDeadLettered(SenderHandler handler) {
        List<Message> dead = new ArrayList<>();
        for (int i = 0; i < 30 && dead.isEmpty(); i++) {
            deliver(handler, 1);
            dead.addAll(SqsEvents.drain(aws.sqs(), deadLetters));
        }
        return dead;
    }
}
