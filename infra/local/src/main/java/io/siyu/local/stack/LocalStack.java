package io.siyu.local.stack;

import static io.siyu.emulators.template.SamTemplate.asList;
import static io.siyu.emulators.template.SamTemplate.asMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.sun.net.httpserver.HttpServer;
import io.siyu.emulators.AwsEndpoints;
import io.siyu.emulators.EventBridgeStub;
import io.siyu.emulators.FreePorts;
import io.siyu.emulators.LocalDynamoDb;
import io.siyu.emulators.HttpFront;
import io.siyu.emulators.JdkHttpServers;
import io.siyu.emulators.LocalEnvironment;
import io.siyu.emulators.LocalSqs;
import io.siyu.emulators.StackResources;
import io.siyu.emulators.lambda.LambdaFunction;
import io.siyu.emulators.template.FunctionDefinition;
import io.siyu.emulators.template.FunctionDefinition.EventSource;
import io.siyu.emulators.template.Intrinsics;
import io.siyu.emulators.template.SamTemplate;
import io.siyu.local.wecom.WeComSimulator;
import io.siyu.wecom.callback.CallbackCrypto;
import io.siyu.wecom.callback.CallbackEnvelope;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.event.ruler.Machine;

/**
 * The whole function set of template.yaml in one JVM, without Docker: DynamoDB Local (with
 * streams), ElasticMQ, a PutEvents endpoint that routes by the template's EventBridgeRule
 * patterns, pollers for the DynamoDB and SQS event sources, schedules, an HTTP server for the
 * HttpApi routes, and a WeCom stub. Everything is read from the template: functions (each from
 * its CodeUri jar, in its own class loader, configured with its template environment), tables,
 * queues, routes, rules, schedules and event source settings. A function added to the template
 * runs here with no other change.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REGION = "us-east-1";
    /** Lambda retries a failed asynchronous event after about 1 and 2 minutes; locally after 1 and 2 seconds. */
    static final Duration ASYNC_RETRY_DELAY = Duration.ofSeconds(1);
    private static final List<String> SUPPORTED_EVENTS = List.of("HttpApi", "EventBridgeRule", "SQS", "DynamoDB", "ScheduleV2", "Schedule");

    /** The stack could not start; the message says why and what to do. */
    public static class StartFailed extends RuntimeException {
        public StartFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The HTTP port (or another) is taken. */
    public static final class PortInUse extends StartFailed {
        public PortInUse(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final StackSettings settings;
    private final Clock clock;
    private final Activity activity = new Activity();
    private final List<AutoCloseable> running = new ArrayList<>();
    private final Map<String, LocalFunction> functions = new LinkedHashMap<>();
    private final List<Poller> pollers = new ArrayList<>();
    private final List<SqsPoller> sqsPollers = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    /** Each function's DynamoDB policy, enforced by its own front before DynamoDB Local. */
    private final Map<String, DynamoDbPolicy> dynamoDbPolicies = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, HttpFront> dynamoDbFronts = new java.util.concurrent.ConcurrentHashMap<>();
    private SamTemplate template;
    private AwsEndpoints endpoints;
    private SqsClient sqs;
    private StackResources stack;
    private WeComSimulator wecom;
    private String wecomBaseUrl;
    private EventBusRouter bus;
    private Schedules schedules;
    private HttpGateway gateway;
    private HttpServer http;
    private ExecutorService httpThreads;
    private CallbackCrypto callbackCrypto;

    private LocalStack(StackSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Starts everything, or stops what it started and throws.
     *
     * @throws PortInUse   when the HTTP port is taken
     * @throws StartFailed for anything else (no template, a jar missing, a function's init failing)
     */
    public static LocalStack start(StackSettings settings) {
        return start(settings, Clock.systemUTC());
    }

    public static LocalStack start(StackSettings settings, Clock clock) {
        LocalStack s = new LocalStack(settings, clock);
        try {
            s.startAll();
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e instanceof StartFailed f ? f : new StartFailed(e.getMessage(), e);
        }
    }

    private void startAll() {
        if (!Files.isRegularFile(settings.template())) {
            throw new StartFailed("no template.yaml at " + settings.template() + ": run from the repository root", null);
        }
        template = SamTemplate.load(settings.template());
        bindHttp(); // first: a taken port fails before anything slow starts
        LocalDynamoDb ddb = track(LocalDynamoDb.start(FreePorts.next(), dataDir()));
        LocalSqs elasticMq = track(LocalSqs.start(FreePorts.next()));
        EventBridgeStub eventBridge = new EventBridgeStub();
        WireMockServer busServer = eventBridge.start(FreePorts.next());
        running.add(busServer::stop);
        endpoints = new AwsEndpoints(ddb.endpoint(), elasticMq.endpoint(), URI.create(busServer.baseUrl()), REGION);
        DynamoDbClient dynamoDb = endpoints.dynamoDbClient();
        DynamoDbStreamsClient streams = endpoints.dynamoDbStreamsClient();
        sqs = endpoints.sqsClient();
        running.add(dynamoDb);
        running.add(streams);
        running.add(sqs);
        if (settings.wecomApiBaseUrl() == null) {
            wecom = new WeComSimulator(settings.corpId(), settings.wecomSecret(), clock, true).start(0);
            running.add(wecom::stop);
            wecomBaseUrl = wecom.baseUrl();
        } else {
            wecomBaseUrl = settings.wecomApiBaseUrl();
            notes.add("WeCom API: " + wecomBaseUrl + " (a real WeCom: WECOM_SECRET must be the app's real secret)");
        }
        callbackCrypto = new CallbackCrypto(settings.wecomToken(), settings.wecomAesKey(), settings.corpId());
        stack = new StackResources(template, endpoints, dynamoDb, sqs, null, parameters()).create();
        for (FunctionDefinition f : template.functions()) {
            functions.put(f.logicalId(), loadFunction(f));
        }
        List<EventBusRouter.Rule> rules = new ArrayList<>();
        List<HttpRoute> routes = new ArrayList<>();
        List<Schedules.Schedule> scheduleList = new ArrayList<>();
        for (LocalFunction fn : functions.values()) {
            for (EventSource e : fn.definition().events().values()) {
                switch (e.type()) {
                    case "HttpApi" -> routes.add(route(fn, e));
                    case "EventBridgeRule" -> rules.add(rule(fn, e));
                    case "SQS" -> sqsPoller(fn, e);
                    case "DynamoDB" -> streamPoller(fn, e, streams);
                    case "ScheduleV2", "Schedule" -> scheduleList.add(schedule(fn, e));
                    default -> notes.add(fn.name() + "." + e.name() + ": event type " + e.type()
                            + " is not run locally (supported: " + SUPPORTED_EVENTS + ")");
                }
            }
        }
        bus = new EventBusRouter(rules, REGION, clock);
        eventBridge.onEntry(bus);
        schedules = new Schedules(scheduleList, clock, REGION);
        running.add(schedules);
        gateway = new HttpGateway(routes, functions, settings.adminToken(), new ControlApi(this), settings.consoleDir(),
                this::observeCallback, clock);
        pollers.forEach(Poller::start);
        if (settings.schedulesAuto()) {
            schedules.startTimers();
        }
        http.createContext("/", gateway);
        http.start();
    }

    private Path dataDir() {
        if (settings.dataDir() == null) {
            return null;
        }
        try {
            Files.createDirectories(settings.dataDir());
        } catch (IOException e) {
            throw new StartFailed("cannot create the data folder " + settings.dataDir() + ": " + e.getMessage(), e);
        }
        return settings.dataDir();
    }

    private void bindHttp() {
        try {
            http = JdkHttpServers.create(new InetSocketAddress(settings.bindHost(), settings.httpPort()), 64);
        } catch (BindException e) {
            throw new PortInUse("port " + settings.httpPort() + " on " + settings.bindHost()
                    + " is already in use: stop what listens there, or set SIYU_HTTP_PORT to a free port", e);
        } catch (IOException e) {
            throw new StartFailed("cannot listen on " + settings.bindHost() + ":" + settings.httpPort() + ": " + e.getMessage(), e);
        }
        httpThreads = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(httpThreads);
        running.add(() -> {
            http.stop(0);
            httpThreads.shutdownNow();
        });
    }

    private Map<String, String> parameters() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("WeComCorpId", settings.corpId());
        // Tracked links on: SOP content gets short links to this stack's own GET /l/{code} (docs/sop.md).
        values.put("LinksBaseUrl", url().toString());
        template.parameterDefaults().forEach((name, dflt) -> {
            if (dflt == null && !values.containsKey(name)) {
                values.put(name, "local-" + name);
            }
        });
        values.putAll(settings.parameters());
        return values;
    }

    /**
     * The function's environment: the template's, resolved against this stack, plus what the local
     * side adds. Its DynamoDB endpoint is the function's own front, which refuses what the
     * function's policies do not allow ({@link DynamoDbPolicy}).
     */
    public Map<String, String> environmentOf(String functionId) {
        Map<String, String> env = new LinkedHashMap<>(stack.environmentOf(functionId));
        env.putAll(LocalEnvironment.of(endpoints, wecomBaseUrl, settings.wecomToken(), settings.wecomAesKey(), settings.wecomSecret()));
        env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDbFront(functionId).endpoint().toString());
        return env;
    }

    private synchronized HttpFront dynamoDbFront(String functionId) {
        return dynamoDbFronts.computeIfAbsent(functionId, id -> {
            DynamoDbPolicy policy = new DynamoDbPolicy(template.function(id), stack::logicalIdOf,
                    "arn:aws:dynamodb:" + REGION + ":000000000000:table/");
            dynamoDbPolicies.put(id, policy);
            HttpFront front = HttpFront.start(endpoints.dynamoDb(), policy);
            running.add(front);
            return front;
        });
    }

    /** The DynamoDB calls refused so far, per function: each names an action the template does not grant. */
    public Map<String, List<String>> accessDenied() {
        Map<String, List<String>> denied = new LinkedHashMap<>();
        dynamoDbPolicies.forEach((id, policy) -> {
            if (!policy.denied().isEmpty()) {
                denied.put(id, policy.denied());
            }
        });
        return denied;
    }

    private LocalFunction loadFunction(FunctionDefinition f) {
        LambdaFunction fn = LambdaFunction.load(f, settings.repoRoot().resolve(f.codeUri()));
        running.add(fn);
        fn.configure(environmentOf(f.logicalId()));
        long started = System.nanoTime();
        fn.initialise();
        LOG.info("{} ready ({} ms init)", f.logicalId(), (System.nanoTime() - started) / 1_000_000);
        Map<String, Object> invokeConfig = asMap(asMap(template.resource(f.logicalId()).properties()).get("EventInvokeConfig"));
        int retries = invokeConfig.containsKey("MaximumRetryAttempts")
                ? Integer.parseInt(String.valueOf(invokeConfig.get("MaximumRetryAttempts"))) : 2;
        Object onFailure = asMap(asMap(invokeConfig.get("DestinationConfig")).get("OnFailure")).get("Destination");
        LocalFunction local = new LocalFunction(fn, activity, clock, REGION, retries, ASYNC_RETRY_DELAY,
                onFailure == null ? null : queueSender(f.logicalId() + " EventInvokeConfig OnFailure", onFailure)::accept);
        running.add(local);
        return local;
    }

    /** Sends to the SQS queue a template value (usually {@code !GetAtt Queue.Arn}) names. */
    private java.util.function.Consumer<String> queueSender(String what, Object destination) {
        String resolved = Intrinsics.resolve(destination, stack);
        String logicalId = stack.logicalIdOf(resolved);
        if (logicalId == null || !template.resource(logicalId).type().equals("AWS::SQS::Queue")) {
            notes.add(what + ": destination " + resolved + " is not a queue of the template; failures are only logged");
            return m -> LOG.error("{}: would send to {}: {}", what, resolved, m);
        }
        String url = stack.queueUrl(logicalId);
        return message -> sqs.sendMessage(b -> b.queueUrl(url).messageBody(message));
    }

    private HttpRoute route(LocalFunction fn, EventSource e) {
        Map<String, Object> p = e.properties();
        String format = String.valueOf(p.getOrDefault("PayloadFormatVersion", "2.0"));
        if (!format.equals("2.0")) {
            throw new StartFailed(fn.name() + "." + e.name() + ": PayloadFormatVersion " + format
                    + " is not supported locally (HttpApi payload format 2.0 only)", null);
        }
        String apiId = Intrinsics.referencedId(p.get("ApiId"));
        Map<String, Object> apiAuth = apiId == null || !template.hasResource(apiId) ? Map.of()
                : asMap(template.resource(apiId).property("Auth"));
        Object authorizer = asMap(p.get("Auth")).getOrDefault("Authorizer", apiAuth.get("DefaultAuthorizer"));
        String auth = authorizer == null || "NONE".equals(authorizer) ? null : String.valueOf(authorizer);
        String path = String.valueOf(p.getOrDefault("Path", HttpRoute.DEFAULT));
        String method = String.valueOf(p.getOrDefault("Method", "ANY"));
        return new HttpRoute(method, path, fn.name(), auth);
    }

    private EventBusRouter.Rule rule(LocalFunction fn, EventSource e) {
        Map<String, Object> p = e.properties();
        if (p.containsKey("InputTransformer")) {
            throw new StartFailed(fn.name() + "." + e.name() + ": InputTransformer is not supported locally", null);
        }
        String bus = p.containsKey("EventBusName") ? Intrinsics.resolve(p.get("EventBusName"), stack) : "default";
        String pattern;
        try {
            pattern = JSON.writeValueAsString(p.get("Pattern"));
        } catch (IOException ex) {
            throw new StartFailed(fn.name() + "." + e.name() + ": Pattern is not JSON", ex);
        }
        String input = p.containsKey("Input") ? Intrinsics.resolve(p.get("Input"), stack) : null;
        String inputPath = p.containsKey("InputPath") ? Intrinsics.resolve(p.get("InputPath"), stack) : null;
        return new EventBusRouter.Rule(fn.name() + "." + e.name(), bus, pattern, fn, input, inputPath);
    }

    private void sqsPoller(LocalFunction fn, EventSource e) {
        Map<String, Object> p = e.properties();
        if (Boolean.FALSE.equals(p.get("Enabled"))) {
            notes.add(fn.name() + "." + e.name() + ": disabled in the template");
            return;
        }
        String arn = Intrinsics.resolve(p.get("Queue"), stack);
        String queueId = stack.logicalIdOf(arn);
        if (queueId == null) {
            throw new StartFailed(fn.name() + "." + e.name() + ": Queue " + arn + " is not a queue of the template", null);
        }
        SqsPoller poller = new SqsPoller(fn.name() + "." + e.name(), activity, sqs, stack.queueUrl(queueId), arn, fn,
                intOf(p.get("BatchSize"), 10), responseTypes(p), filter(fn, e), REGION);
        pollers.add(poller);
        sqsPollers.add(poller);
        running.add(poller);
    }

    private void streamPoller(LocalFunction fn, EventSource e, DynamoDbStreamsClient streams) {
        Map<String, Object> p = e.properties();
        if (Boolean.FALSE.equals(p.get("Enabled"))) {
            notes.add(fn.name() + "." + e.name() + ": disabled in the template");
            return;
        }
        String streamArn = Intrinsics.resolve(p.get("Stream"), stack);
        StreamPoller.Settings s = new StreamPoller.Settings(intOf(p.get("BatchSize"), 100),
                String.valueOf(p.getOrDefault("StartingPosition", "TRIM_HORIZON")),
                Boolean.TRUE.equals(p.get("BisectBatchOnFunctionError")), intOf(p.get("MaximumRetryAttempts"), -1),
                intOf(p.get("MaximumRecordAgeInSeconds"), -1), responseTypes(p), filter(fn, e));
        Object destination = asMap(asMap(asMap(p.get("DestinationConfig")).get("OnFailure"))).get("Destination");
        StreamPoller.Checkpoints checkpoints = settings.dataDir() == null ? StreamPoller.inMemory()
                : new FileCheckpoints(settings.dataDir().resolve("stream-positions-" + fn.name() + "-" + e.name() + ".properties"));
        StreamPoller poller = new StreamPoller(fn.name() + "." + e.name(), activity, streams, streamArn, fn, s, checkpoints,
                destination == null ? null : queueSender(fn.name() + "." + e.name() + " OnFailure", destination), REGION, clock);
        pollers.add(poller);
        running.add(poller);
    }

    private Schedules.Schedule schedule(LocalFunction fn, EventSource e) {
        Map<String, Object> p = e.properties();
        boolean v2 = e.type().equals("ScheduleV2");
        String expression = String.valueOf(v2 ? p.get("ScheduleExpression") : p.get("Schedule"));
        ZoneId zone = v2 && p.containsKey("ScheduleExpressionTimezone")
                ? ZoneId.of(String.valueOf(p.get("ScheduleExpressionTimezone"))) : ZoneOffset.UTC;
        String state = String.valueOf(p.getOrDefault("State", "ENABLED"));
        boolean enabled = !state.equals("DISABLED") && !Boolean.FALSE.equals(p.get("Enabled"));
        String input = p.containsKey("Input") ? Intrinsics.resolve(p.get("Input"), stack) : null;
        String name = p.containsKey("Name") ? Intrinsics.resolve(p.get("Name"), stack) : fn.name() + e.name();
        try {
            return new Schedules.Schedule(fn.name() + "." + e.name(), name, e.type(), ScheduleExpression.parse(expression),
                    zone, input, enabled, fn);
        } catch (IllegalArgumentException ex) {
            throw new StartFailed(fn.name() + "." + e.name() + ": " + ex.getMessage(), ex);
        }
    }

    private static boolean responseTypes(Map<String, Object> p) {
        return asList(p.get("FunctionResponseTypes")).contains("ReportBatchItemFailures");
    }

    /** A mapping's FilterCriteria as one Event Ruler machine (a record passes when any pattern matches). */
    private static Machine filter(LocalFunction fn, EventSource e) {
        List<Object> filters = asList(asMap(e.property("FilterCriteria")).get("Filters"));
        if (filters.isEmpty()) {
            return null;
        }
        Machine machine = new Machine();
        int i = 0;
        for (Object f : filters) {
            String pattern = String.valueOf(asMap(f).get("Pattern"));
            try {
                machine.addRule("filter-" + i++, pattern);
            } catch (IOException | RuntimeException ex) {
                throw new StartFailed(fn.name() + "." + e.name() + ": FilterCriteria pattern " + pattern + " is refused: "
                        + ex.getMessage(), ex);
            }
        }
        return machine;
    }

    private static int intOf(Object o, int fallback) {
        return o == null ? fallback : o instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(o));
    }

    /**
     * WeCom changes its state, then calls back: before a genuine callback (signed with the stack's
     * Token, sealed with its EncodingAESKey) reaches the callback function, the WeCom stub learns
     * what it says, so a function that reads WeCom after the event (externalcontact/get,
     * groupchat/get) finds the change. Anything that is not such a callback is left alone.
     */
    private void observeCallback(HttpGateway.Delivered d) {
        if (wecom == null || !d.method().equals("POST") || !d.query().containsKey("msg_signature")) {
            return;
        }
        try {
            String encrypted = CallbackEnvelope.parse(new String(d.body(), java.nio.charset.StandardCharsets.UTF_8)).encrypt();
            callbackCrypto.verify(d.query().get("msg_signature"), d.query().get("timestamp"), d.query().get("nonce"), encrypted);
            wecom.world().observe(callbackCrypto.decrypt(encrypted), clock.instant());
        } catch (RuntimeException e) {
            LOG.debug("a POST with msg_signature that is not a callback the stub can read: {}", e.toString());
        }
    }

    /**
     * Waits until nothing is in flight: no invocation running or queued (retries included), every
     * event-source queue empty, and every poller caught up: it has looked at its source since this
     * call began (so it saw what was written before) and found nothing since the last piece of work.
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long since = System.nanoTime();
        long deadline = since + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long version = activity.version();
            if (activity.inFlight() == 0 && pollers.stream().allMatch(p -> p.idleSince(version, since))
                    && sqsPollers.stream().allMatch(SqsPoller::queueEmpty) && activity.version() == version) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    // ------------------------------------------------------------------ what the control API and the banner read

    public URI url() {
        String host = settings.bindHost().equals("0.0.0.0") ? "localhost" : settings.bindHost();
        return URI.create("http://" + host + ":" + http.getAddress().getPort());
    }

    public int httpPort() {
        return http.getAddress().getPort();
    }

    public StackSettings settings() {
        return settings;
    }

    public AwsEndpoints endpoints() {
        return endpoints;
    }

    public StackResources resources() {
        return stack;
    }

    public String wecomBaseUrl() {
        return wecomBaseUrl;
    }

    /** The WeCom stub, or null when the stack talks to a real WeCom. */
    public WeComSimulator wecom() {
        return wecom;
    }

    public Map<String, LocalFunction> functions() {
        return functions;
    }

    public List<HttpRoute> routes() {
        return gateway.routes();
    }

    public List<EventBusRouter.Rule> rules() {
        return bus.rules();
    }

    public Schedules schedules() {
        return schedules;
    }

    public EventBusRouter bus() {
        return bus;
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** A description of the running stack (the banner prints it; {@code GET /_local/stack} serves it). */
    public ObjectNode describe() {
        ObjectNode d = JSON.createObjectNode();
        d.put("url", url().toString());
        d.put("corpId", settings.corpId());
        d.put("wecomApiBaseUrl", wecomBaseUrl);
        d.put("schedules", settings.schedulesAuto() ? "auto" : "manual");
        d.put("data", settings.dataDir() == null ? "in memory" : settings.dataDir().toString());
        ObjectNode aws = d.putObject("aws");
        aws.put("region", REGION);
        aws.put("dynamodb", endpoints.dynamoDb().toString());
        aws.put("sqs", endpoints.sqs().toString());
        aws.put("eventbridge", endpoints.eventBridge().toString());
        aws.put("accessKeyId", AwsEndpoints.ACCESS_KEY);
        ArrayNode fns = d.putArray("functions");
        functions.values().forEach(f -> fns.addObject().put("name", f.name()).put("handler", f.definition().handler())
                .put("invocations", f.invocations()).put("errors", f.errors()).put("asyncFailures", f.asyncFailures())
                .put("accessDenied", dynamoDbPolicies.containsKey(f.name()) ? dynamoDbPolicies.get(f.name()).denied().size() : 0));
        ArrayNode rs = d.putArray("routes");
        routes().forEach(r -> rs.addObject().put("route", r.routeKey()).put("function", r.functionId())
                .put("auth", r.authorizer() == null ? "none" : r.authorizer() + " (Bearer $SIYU_ADMIN_TOKEN)"));
        ArrayNode rl = d.putArray("rules");
        rules().forEach(r -> rl.addObject().put("rule", r.name()).put("bus", r.busName()).put("pattern", r.pattern()));
        ArrayNode ss = d.putArray("schedules");
        schedules.all().forEach(s -> {
            ObjectNode o = ss.addObject().put("id", s.id()).put("expression", s.expression().text())
                    .put("timezone", s.zone().getId()).put("enabled", s.enabled());
            schedules.nextFire(s.id()).ifPresent(n -> o.put("next", n.toOffsetDateTime().toString()));
        });
        ArrayNode ps = d.putArray("pollers");
        pollers.forEach(p -> ps.add(p.name()));
        ArrayNode ns = d.putArray("notes");
        notes.forEach(ns::add);
        return d;
    }

    /** The banner `up` prints: configuration, routes and schedules. */
    public void printBanner(PrintStream out) {
        out.println();
        out.println("Siyu local stack  " + url());
        out.println("  corp id          " + settings.corpId());
        out.println("  callback token   " + settings.wecomToken() + "   EncodingAESKey " + settings.wecomAesKey());
        out.println("  admin token      " + settings.adminToken() + "   (Authorization: Bearer <token>)");
        out.println("  console          " + url() + "/console"
                + (settings.consoleDir() == null ? "   (sign in with the admin token)" : "   (from " + settings.consoleDir() + ")"));
        out.println("  WeCom API        " + (wecom != null ? wecomBaseUrl + " (stub)" : wecomBaseUrl));
        out.println("  data             " + (settings.dataDir() == null ? "in memory (--data DIR keeps it)" : settings.dataDir()));
        out.println("  schedules        " + (settings.schedulesAuto() ? "fire by their expressions" : "fire only by hand")
                + "   (POST /_local/schedules/{id}/fire)");
        out.println("  AWS endpoints    dynamodb " + endpoints.dynamoDb() + "  sqs " + endpoints.sqs()
                + "  (region " + REGION + ", key " + AwsEndpoints.ACCESS_KEY + ")");
        out.println("Functions");
        functions.values().forEach(f -> out.println("  " + f.name() + "  " + f.definition().handler()));
        out.println("Routes");
        routes().stream().sorted(java.util.Comparator.comparing(HttpRoute::path).thenComparing(HttpRoute::method))
                .forEach(r -> out.println("  " + pad(r.routeKey(), 40) + " -> " + r.functionId()
                + (r.authorizer() == null ? "" : "   [" + r.authorizer() + ": Bearer $SIYU_ADMIN_TOKEN]")));
        if (!rules().isEmpty()) {
            out.println("Event rules");
            rules().forEach(r -> out.println("  " + r.name() + " on " + r.busName() + "  " + r.pattern()));
        }
        if (!pollers.isEmpty()) {
            out.println("Event sources");
            pollers.forEach(p -> out.println("  " + p.name()));
        }
        out.println("Schedules");
        if (schedules.all().isEmpty()) {
            out.println("  (none in the template yet)");
        }
        schedules.all().forEach(s -> out.println("  " + pad(s.id(), 40) + " " + s.expression().text() + " " + s.zone()
                + (s.enabled() ? "" : " (disabled)")
                + schedules.nextFire(s.id()).map(n -> "   next " + n.toOffsetDateTime()).orElse("")));
        notes.forEach(n -> out.println("Note: " + n));
        out.println("Control: GET /_local/stack, GET /_local/events, POST /_local/idle, /_local/wecom/...   Ctrl-C stops.");
        out.println();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private <T extends AutoCloseable> T track(T resource) {
        running.add(resource);
        return resource;
    }

    /** Stops everything in reverse order of starting; safe to call twice. */
    @Override
    public synchronized void close() {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                LOG.warn("did not stop cleanly: {}", e.toString());
            }
        }
        running.clear();
    }
}
