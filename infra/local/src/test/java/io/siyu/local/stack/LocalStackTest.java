package io.siyu.local.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import io.siyu.emulators.lambda.LambdaFunction;
import io.siyu.lambda.Env;
import io.siyu.local.CliRun;
import io.siyu.local.ExitCodes;
import io.siyu.local.demo.StackClient;
import io.siyu.testing.Fixtures;
import io.siyu.testing.RepositoryFiles;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import io.siyu.testing.TestTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * The local stack on the real template.yaml, driven over HTTP: the callback and admin functions
 * run from their own jars and class loaders, routes and auth are the template's, bus events are
 * logged, and the WeCom stub learns from accepted callbacks.
 */
@Tag("emulator")
class LocalStackTest {

    static LocalStack stack;
    static StackClient client;
    static StackSettings settings;

    @BeforeAll
    static void start() {
        // The local stack always runs its own in-process emulators; the moto pass would repeat this unchanged.
        assumeTrue(TestTarget.current() == TestTarget.IN_PROCESS, "the local stack runs its own emulators");
        settings = StackSettings.forTests(RepositoryFiles.root());
        stack = LocalStack.start(settings);
        client = new StackClient(stack.url(), settings.adminToken(), settings.corpId(), settings.wecomToken(),
                settings.wecomAesKey(), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    static String event(String fixture) {
        return Fixtures.wecomEvent(fixture, settings.corpId());
    }

    static List<JsonNode> eventsOfType(String detailType) {
        List<JsonNode> out = new ArrayList<>();
        client.events().forEach(e -> {
            if (e.path("detailType").asText().equals(detailType)) {
                out.add(e);
            }
        });
        return out;
    }

    @Test
    void eachFunctionReachesDynamoDbOnlyWithWhatItsPoliciesAllow() {
        String table = stack.resources().tableName("IdempotencyTable");
        String endpoint = stack.environmentOf("CallbackFunction").get("AWS_ENDPOINT_URL_DYNAMODB");
        try (DynamoDbClient asCallback = DynamoDbClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("siyulocal", "siyulocal")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("corp#callback#policy-test"));
            asCallback.getItem(b -> b.tableName(table).key(key));
            asCallback.deleteItem(b -> b.tableName(table).key(key));

            assertThatThrownBy(() -> asCallback.scan(b -> b.tableName(table)))
                    .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                        assertThat(e.getMessage()).contains("CallbackFunction is not authorized to perform: dynamodb:Scan");
                    });
            String contacts = stack.resources().tableName("ContactsTable");
            assertThatThrownBy(() -> asCallback.getItem(b -> b.tableName(contacts).key(key)))
                    .isInstanceOf(DynamoDbException.class).hasMessageContaining("dynamodb:GetItem");
        }
        assertThat(stack.accessDenied().get("CallbackFunction")).hasSize(2);
        assertThat(client.stack().path("functions")).anySatisfy(f -> {
            assertThat(f.path("name").asText()).isEqualTo("CallbackFunction");
            assertThat(f.path("accessDenied").asInt()).isEqualTo(2);
        });
    }

    @Test
    void everyFunctionOfTheTemplateRunsFromItsOwnJarInItsOwnClassLoader() {
        Set<String> templateFunctions = stack.resources().template().functions().stream()
                .map(f -> f.logicalId()).collect(Collectors.toSet());
        assertThat(stack.functions().keySet()).containsExactlyInAnyOrderElementsOf(templateFunctions);
        Set<ClassLoader> loaders = new java.util.HashSet<>();
        for (LocalFunction f : stack.functions().values()) {
            LambdaFunction fn = f.function();
            assertThat(fn.handlerClass().getClassLoader()).isSameAs(fn.classLoader());
            loaders.add(fn.classLoader());
            // The Lambda interfaces are the host's, so the stack can call the handler directly.
            assertThat(RequestHandler.class.isAssignableFrom(fn.handlerClass()) || fn.kind() == LambdaFunction.Kind.REQUEST_STREAM_HANDLER).isTrue();
        }
        assertThat(loaders).hasSize(stack.functions().size()).doesNotContain(getClass().getClassLoader());
    }

    @Test
    void everyHttpApiRouteOfTheTemplateIsServed() {
        Set<String> declared = new java.util.HashSet<>();
        stack.resources().template().functions().forEach(f -> f.eventsOfType("HttpApi").forEach(e ->
                declared.add(e.property("Method") + " " + e.property("Path"))));
        assertThat(stack.routes()).extracting(HttpRoute::routeKey).containsExactlyInAnyOrderElementsOf(declared);
    }

    @Test
    void adminRoutesNeedTheBearerTokenAndSeeJwtClaims() {
        StackClient.Reply none = client.get("/admin/health", false);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().path("message").asText()).isEqualTo("Unauthorized");

        StackClient wrong = new StackClient(stack.url(), "not-the-token", settings.corpId(), settings.wecomToken(),
                settings.wecomAesKey(), Clock.systemUTC());
        assertThat(wrong.get("/admin/health", true).status()).isEqualTo(401);

        StackClient.Reply ok = client.get("/admin/health", true);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().path("status").asText()).isEqualTo("ok");
        assertThat(ok.json().path("corpId").asText()).isEqualTo(settings.corpId());
        // The admin function reads the operator from requestContext.authorizer.jwt.claims.sub.
        assertThat(ok.json().path("operator").asText()).isEqualTo("local-admin");
    }

    @Test
    void aTrackedLinkRedirectsThroughTheStackAndAMalformedCodeIsNotFound() throws Exception {
        assertThat(stack.environmentOf("SopPlannerChainsFunction")).containsEntry("LINKS_BASE_URL", stack.url().toString());
        String table = stack.resources().tableName("LinksTable");
        try (var dynamoDb = stack.endpoints().dynamoDbClient()) {
            dynamoDb.putItem(b -> b.tableName(table).item(Map.of(
                    "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(settings.corpId() + "#LocalCode1"),
                    "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("LINK"),
                    "code", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("LocalCode1"),
                    "url", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("https://shop.example.com/local"),
                    "corpId", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(settings.corpId()),
                    "sopId", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("local"),
                    "stepId", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("s1"),
                    "runKey", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(settings.corpId() + "#local#s1#2026-11-23"),
                    "sender", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("zhangsan"))));
        }
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();
        java.net.http.HttpResponse<String> found = http.send(java.net.http.HttpRequest.newBuilder(stack.url().resolve("/l/LocalCode1"))
                .header("User-Agent", "Mozilla/5.0 (iPhone) MicroMessenger/8.0.50").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(found.statusCode()).isEqualTo(302);
        assertThat(found.headers().firstValue("location")).contains("https://shop.example.com/local");
        assertThat(found.headers().firstValue("set-cookie")).hasValueSatisfying(c -> assertThat(c).startsWith("siyu_v="));

        java.net.http.HttpResponse<String> malformed = http.send(java.net.http.HttpRequest.newBuilder(stack.url().resolve("/l/Local%00"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(malformed.statusCode()).isEqualTo(404);
        assertThat(malformed.headers().firstValue("location")).isEmpty();
    }

    @Test
    void anUnknownRouteIsNotFoundAsApiGatewaySaysIt() {
        StackClient.Reply r = client.get("/nothing/here", true);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().path("message").asText()).isEqualTo("Not Found");
    }

    @Test
    void theControlApiNeedsTheTokenExceptForHealth() {
        assertThat(client.get("/_local/health", false).status()).isEqualTo(200);
        assertThat(client.get("/_local/stack", false).status()).isEqualTo(401);
        assertThat(client.get("/_local/stack", true).json().path("functions")).hasSize(stack.functions().size());
    }

    @Test
    void urlVerificationAnswersTheEchoExactly() {
        StackClient.Reply r = client.verifyUrl("1616140317555161061");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("1616140317555161061");
    }

    @Test
    void aCallbackIsPublishedOnceHoweverOftenWeComDeliversIt() {
        String xml = event("add_external_contact.xml").replace("woAJ2GCAAAXtWyujaWJHDDGi0mAAAA", "wmLocalStackTestOnce0001");
        for (int i = 0; i < 3; i++) {
            StackClient.Reply r = client.callback(xml);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEmpty();
        }
        assertThat(client.awaitIdle(Duration.ofSeconds(30))).isTrue();

        List<JsonNode> added = eventsOfType("ContactAdded").stream()
                .filter(e -> e.path("detail").path("externalUserId").asText().equals("wmLocalStackTestOnce0001")).toList();
        assertThat(added).hasSize(1);
        assertThat(added.get(0).path("source").asText()).isEqualTo("siyu.wecom");
        assertThat(added.get(0).path("bus").asText()).isEqualTo(stack.resources().ref("SiyuEventBus"));
    }

    @Test
    void aCallbackWithAWrongSignatureIsRefusedAndPublishesNothing() {
        int before = client.events().size();
        StackClient forger = new StackClient(stack.url(), settings.adminToken(), settings.corpId(), "someOtherToken",
                settings.wecomAesKey(), Clock.systemUTC());

        StackClient.Reply r = forger.callback(event("del_follow_user.xml"));

        assertThat(r.status()).isEqualTo(403);
        assertThat(client.awaitIdle(Duration.ofSeconds(30))).isTrue();
        assertThat(client.events()).hasSize(before);
    }

    @Test
    void theCliEncryptsACallbackTheRealHandlerAccepts() {
        String xml = event("del_follow_user.xml").replace("woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA", "wmCliRoundTrip000001");
        CliRun run = CliRun.run(xml, "crypto", "encrypt", "--token", settings.wecomToken(), "--aes-key", settings.wecomAesKey(),
                "--corp-id", settings.corpId(), "--timestamp", Long.toString(java.time.Instant.now().getEpochSecond()));
        assertThat(run.exitCode()).as(run.err()).isZero();

        StackClient.Reply r = client.post("/wecom/callback?" + run.outLines().get(1), "text/xml", run.outLines().get(0), false);

        assertThat(r.status()).isEqualTo(200);
        assertThat(client.awaitIdle(Duration.ofSeconds(30))).isTrue();
        assertThat(eventsOfType("ContactRemoved")).anySatisfy(e -> {
            assertThat(e.path("detail").path("externalUserId").asText()).isEqualTo("wmCliRoundTrip000001");
            assertThat(e.path("detail").path("removedBy").asText()).isEqualTo("CUSTOMER");
        });
    }

    @Test
    void theWeComStubLearnsWhatAnAcceptedCallbackSays() {
        String xml = event("add_external_contact.xml").replace("woAJ2GCAAAXtWyujaWJHDDGi0mAAAA", "wmStubLearns00000001");
        assertThat(client.callback(xml).status()).isEqualTo(200);

        JsonNode view = client.get("/_local/wecom/customers/wmStubLearns00000001", true).json();

        assertThat(view.path("external_contact").path("external_userid").asText()).isEqualTo("wmStubLearns00000001");
        assertThat(view.path("follow_user").get(0).path("userid").asText()).isEqualTo("zhangsan");
        assertThat(view.path("follow_user").get(0).path("state").asText()).isEqualTo("teststate");
    }

    @Test
    void aRejectedCallbackTeachesTheStubNothing() {
        StackClient forger = new StackClient(stack.url(), settings.adminToken(), settings.corpId(), "someOtherToken",
                settings.wecomAesKey(), Clock.systemUTC());
        String xml = event("add_external_contact.xml").replace("woAJ2GCAAAXtWyujaWJHDDGi0mAAAA", "wmNeverAccepted00001");
        assertThat(forger.callback(xml).status()).isEqualTo(403);

        assertThat(client.get("/_local/wecom/customers/wmNeverAccepted00001", true).status()).isEqualTo(404);
    }

    @Test
    void aSecondStackOnATakenPortFailsWithAClearMessage() {
        StackSettings same = settings.withHttpPort(stack.httpPort());
        assertThatThrownBy(() -> LocalStack.start(same))
                .isInstanceOf(LocalStack.PortInUse.class)
                .hasMessageContaining("port " + stack.httpPort())
                .hasMessageContaining("SIYU_HTTP_PORT");
    }

    @Test
    void upOnATakenPortExitsWithItsCodeAndOneLine() {
        Env.use(Map.of("SIYU_HTTP_PORT", Integer.toString(stack.httpPort())));
        try {
            CliRun run = CliRun.run("", "up", "--repo", settings.repoRoot().toString());

            assertThat(run.exitCode()).isEqualTo(ExitCodes.PORT_IN_USE);
            assertThat(run.errLines()).hasSize(1);
            assertThat(run.errLines().get(0)).startsWith("error: port " + stack.httpPort()).contains("SIYU_HTTP_PORT");
        } finally {
            Env.useProcessEnvironment();
        }
    }
}
