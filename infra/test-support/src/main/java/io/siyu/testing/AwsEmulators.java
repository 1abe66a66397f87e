package io.siyu.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.siyu.emulators.AwsEndpoints;
import io.siyu.emulators.EventBridgeStub;
import io.siyu.emulators.FreePorts;
import io.siyu.emulators.LocalDynamoDb;
import io.siyu.emulators.LocalEnvironment;
import io.siyu.emulators.LocalSqs;
import io.siyu.emulators.MotoServer;
import io.siyu.emulators.StackResources;
import io.siyu.emulators.template.SamTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The AWS side of Siyu's integration tests: tables, queues and the bus created from template.yaml
 * in an emulator chosen by {@link TestTarget}, plus a WireMock server standing in for WeCom's HTTP
 * API. Started once per test JVM ({@link #shared()}); tests call {@link #reset()} for a clean slate.
 */
public final class AwsEmulators implements AutoCloseable {

    /** The CorpID every test stack is configured with. */
    public static final String CORP_ID = "ww1234567890abcdef";
    /** The callback credentials of WeCom's official test vector (docs: wecom-api.md §2). */
    public static final String WECOM_TOKEN = "QDG6eK";
    public static final String WECOM_AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    public static final String WECOM_SECRET = "local-test-secret";
    /** The order source every test stack knows, and its HMAC key (docs/orders.md). */
    public static final String ORDER_SOURCE = LocalEnvironment.ORDER_SOURCE;
    public static final String ORDER_SOURCE_SECRET = LocalEnvironment.ORDER_SOURCE_SECRET;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CAPTURE_QUEUE = "siyu-test-bus-capture";
    private static AwsEmulators shared;

    private final TestTarget target;
    private final List<AutoCloseable> running = new ArrayList<>();
    private final AwsEndpoints endpoints;
    private final DynamoDbClient dynamoDb;
    private final DynamoDbStreamsClient streams;
    private final SqsClient sqs;
    private final EventBridgeClient eventBridge;
    private final EventBridgeStub eventBridgeStub;
    private final WireMockServer wecom;
    private final StackResources stack;
    private final List<PublishedEvent> captured = new ArrayList<>();
    private String captureQueueUrl;

    private AwsEmulators(TestTarget target) {
        this.target = target;
        String region = "us-east-1";
        switch (target) {
            case IN_PROCESS -> {
                // Each emulator spends its start-up loading classes: start them side by side.
                CompletableFuture<LocalDynamoDb> ddb = CompletableFuture.supplyAsync(() -> LocalDynamoDb.start(FreePorts.next(), null));
                CompletableFuture<LocalSqs> elasticMq = CompletableFuture.supplyAsync(() -> LocalSqs.start(FreePorts.next()));
                eventBridgeStub = new EventBridgeStub();
                WireMockServer bus = eventBridgeStub.start(FreePorts.next());
                running.add(bus::stop);
                endpoints = new AwsEndpoints(track(ddb.join()).endpoint(), track(elasticMq.join()).endpoint(),
                        URI.create(bus.baseUrl()), region);
            }
            case MOTO -> {
                if (!MotoServer.isInstalled()) {
                    throw new IllegalStateException("SIYU_TEST_TARGET=moto but moto_server is not on PATH "
                            + "(pip install \"moto[server]==5.2.1\")");
                }
                MotoServer moto = track(MotoServer.start(FreePorts.next()));
                eventBridgeStub = null;
                endpoints = new AwsEndpoints(moto.endpoint(), moto.endpoint(), moto.endpoint(), region);
            }
            case LOCALSTACK -> {
                LocalStackContainer localstack = new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.4"))
                        .withServices(LocalStackContainer.EnabledService.named("dynamodb"),
                                LocalStackContainer.EnabledService.named("dynamodbstreams"),
                                LocalStackContainer.EnabledService.named("sqs"),
                                LocalStackContainer.EnabledService.named("events"));
                localstack.start();
                running.add(localstack::stop);
                eventBridgeStub = null;
                URI endpoint = localstack.getEndpoint();
                endpoints = new AwsEndpoints(endpoint, endpoint, endpoint, localstack.getRegion());
            }
            default -> throw new IllegalStateException(target.name());
        }
        dynamoDb = endpoints.dynamoDbClient();
        streams = endpoints.dynamoDbStreamsClient();
        sqs = endpoints.sqsClient();
        eventBridge = endpoints.eventBridgeClient();
        wecom = new WireMockServer(WireMockConfiguration.options().port(FreePorts.next()).bindAddress("127.0.0.1"));
        wecom.start();
        running.add(wecom::stop);
        wecomStub().token(WeComStub.ACCESS_TOKEN);
        stack = new StackResources(SamTemplate.load(RepositoryFiles.template()), endpoints, dynamoDb, sqs,
                eventBridgeStub == null ? eventBridge : null, templateParameters()).create();
        if (eventBridgeStub == null) {
            routeBusToCaptureQueue();
        }
    }

    /** The emulators for this test JVM, started on first use and stopped when the JVM exits. */
    public static synchronized AwsEmulators shared() {
        if (shared == null) {
            AwsEmulators started = new AwsEmulators(TestTarget.current());
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "siyu-emulators-stop"));
            shared = started;
        }
        return shared;
    }

    /** Parameter values for a test stack (the template gives defaults for the rest). */
    public static Map<String, String> templateParameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("WeComCorpId", CORP_ID);
        p.put("AdminJwtIssuer", "https://issuer.invalid");
        p.put("AdminJwtAudience", "siyu-admin");
        return p;
    }

    public TestTarget target() {
        return target;
    }

    public AwsEndpoints endpoints() {
        return endpoints;
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    public DynamoDbStreamsClient streams() {
        return streams;
    }

    public SqsClient sqs() {
        return sqs;
    }

    public EventBridgeClient eventBridge() {
        return eventBridge;
    }

    public StackResources stack() {
        return stack;
    }

    /** WireMock standing in for {@code https://qyapi.weixin.qq.com}. */
    public WireMockServer wecom() {
        return wecom;
    }

    /** The WeCom stub with WeCom's documented replies; gettoken is stubbed after every reset. */
    public WeComStub wecomStub() {
        return new WeComStub(wecom);
    }

    /** Failure injection for PutEvents; only the in-process stub can do it. */
    public boolean canInjectEventBridgeFailures() {
        return eventBridgeStub != null;
    }

    public void failNextPutEvents(EventBridgeStub.Failure... failures) {
        if (eventBridgeStub == null) {
            throw new IllegalStateException(target + " cannot inject EventBridge failures; check canInjectEventBridgeFailures()");
        }
        eventBridgeStub.failNext(failures);
    }

    public void clearPutEventsFailures() {
        if (eventBridgeStub != null) {
            eventBridgeStub.clearFailures();
        }
    }

    /**
     * A function's environment as AWS would give it: the template's variables, references
     * resolved against this stack, plus the endpoints and credentials of the emulators and the
     * WeCom stub. Handlers built from it talk to the emulators.
     */
    public Map<String, String> environmentOf(String functionLogicalId) {
        Map<String, String> env = new LinkedHashMap<>(stack.environmentOf(functionLogicalId));
        env.putAll(localEnvironment());
        return env;
    }

    /** What the local side adds to every function: emulator endpoints, credentials, plain secrets. */
    public Map<String, String> localEnvironment() {
        return LocalEnvironment.of(endpoints, wecom.baseUrl(), WECOM_TOKEN, WECOM_AES_KEY, WECOM_SECRET);
    }

    /** Every event published to the bus since the last reset, in order. */
    public synchronized List<PublishedEvent> publishedEvents() {
        if (eventBridgeStub != null) {
            return eventBridgeStub.accepted().stream()
                    .map(e -> new PublishedEvent(e.eventBusName(), e.source(), e.detailType(), e.detail())).toList();
        }
        drainCaptureQueue();
        return List.copyOf(captured);
    }

    /** Empties tables and queues, forgets published events and WeCom stubs. */
    public synchronized void reset() {
        stack.reset();
        wecom.resetAll();
        wecomStub().token(WeComStub.ACCESS_TOKEN);
        if (eventBridgeStub != null) {
            eventBridgeStub.clear();
        } else {
            drainCaptureQueue();
            captured.clear();
        }
    }

    private void routeBusToCaptureQueue() {
        captureQueueUrl = sqs.createQueue(b -> b.queueName(CAPTURE_QUEUE)).queueUrl();
        String arn = sqs.getQueueAttributes(b -> b.queueUrl(captureQueueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String bus = stack.ref("SiyuEventBus");
        eventBridge.putRule(b -> b.name("siyu-test-capture").eventBusName(bus)
                .eventPattern("{\"source\":[{\"prefix\":\"\"}]}"));
        eventBridge.putTargets(b -> b.rule("siyu-test-capture").eventBusName(bus)
                .targets(t -> t.id("capture").arn(arn)));
    }

    private void drainCaptureQueue() {
        while (true) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(captureQueueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(0)).messages();
            if (batch.isEmpty()) {
                return;
            }
            for (Message m : batch) {
                try {
                    JsonNode event = JSON.readTree(m.body());
                    captured.add(new PublishedEvent(stack.ref("SiyuEventBus"), event.path("source").asText(),
                            event.path("detail-type").asText(), JSON.writeValueAsString(event.path("detail"))));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                sqs.deleteMessage(b -> b.queueUrl(captureQueueUrl).receiptHandle(m.receiptHandle()));
            }
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        running.add(resource);
        return resource;
    }

    @Override
    public synchronized void close() {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                System.err.println("emulator did not stop cleanly: " + e);
            }
        }
        running.clear();
    }
}
