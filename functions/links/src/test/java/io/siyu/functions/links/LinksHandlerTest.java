package io.siyu.functions.links;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.siyu.core.links.LinkCodes;
import io.siyu.core.links.LinkStore;
import io.siyu.core.links.TrackedLink;
import io.siyu.dynamodb.DynamoDbLinks;
import io.siyu.emulators.LambdaContext;
import io.siyu.lambda.Env;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The links function as deployed (public constructor, the template's environment) against the
 * emulated Links table, driven by a real API Gateway HTTP API event for {@code GET /l/{code}}
 * (fixtures/apigw/http-api-v2-link.json).
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class LinksHandlerTest {

    private static final String CORP = AwsEmulators.CORP_ID;
    private static final String URL = "https://shop.example.com/spring?utm_source=wecom";
    private static final String PERSON = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800323c) NetType/WIFI Language/zh_CN";
    /** The fixture's requestContext.timeEpoch: 2026-11-23 12:31 in Shanghai. */
    private static final LocalDate DAY = LocalDate.of(2026, 11, 23);

    private AwsEmulators aws;
    private LinksHandler handler;
    private DynamoDbLinks links;
    private String table;
    private String code;
    private int requests;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        this.aws = aws;
        aws.reset();
        Env.use(aws.environmentOf("LinksFunction"));
        handler = new LinksHandler();
        table = aws.stack().tableName("LinksTable");
        links = new DynamoDbLinks(aws.dynamoDb(), table, Clock.systemUTC());
        code = LinkCodes.code(CORP, "sop-1", "step-1", "zhangsan", URL);
        links.register(new TrackedLink(code, URL, CORP, "sop-1", "step-1", CORP + "#sop-1#step-1#2026-11-23T10:00", "zhangsan"));
    }

    @AfterEach
    void restoreEnvironment() {
        Env.useProcessEnvironment();
    }

    /** The fixture for {@code code}, with a request id of its own unless given. */
    private APIGatewayV2HTTPEvent request(String code, String userAgent, String cookie, String requestId) {
        APIGatewayV2HTTPEvent e = EventLoader.loadApiGatewayHttpEvent("fixtures/apigw/http-api-v2-link.json");
        e.setPathParameters(code == null ? null : new HashMap<>(Map.of("code", code)));
        e.setRawPath("/l/" + (code == null ? "" : code));
        e.getRequestContext().getHttp().setPath(e.getRawPath());
        Map<String, String> headers = new HashMap<>(e.getHeaders());
        if (userAgent == null) {
            headers.remove("user-agent");
        } else {
            headers.put("user-agent", userAgent);
        }
        e.setHeaders(headers);
        e.setCookies(cookie == null ? null : new ArrayList<>(List.of("_ga=GA1.1.1412345678.1795300000", "siyu_v=" + cookie)));
        e.getRequestContext().setRequestId(requestId != null ? requestId : "req-" + (++requests) + "=");
        return e;
    }

    private APIGatewayV2HTTPResponse send(APIGatewayV2HTTPEvent e) {
        return handler.handleRequest(e, new LambdaContext());
    }

    private LinkStore.DayCounts today() {
        return links.step(CORP, "sop-1", "step-1").days().stream().filter(d -> d.day().equals(DAY)).findFirst()
                .orElse(new LinkStore.DayCounts(DAY, 0, 0, 0));
    }

    private List<Map<String, AttributeValue>> items() {
        return aws.dynamoDb().scan(b -> b.tableName(table)).items();
    }

    @Test
    void theFixtureAsItIsRedirectsAndCounts() {
        APIGatewayV2HTTPEvent e = EventLoader.loadApiGatewayHttpEvent("fixtures/apigw/http-api-v2-link.json");
        String fixtureCode = e.getPathParameters().get("code");
        String url = "https://mp.weixin.qq.com/s/abc";
        links.register(new TrackedLink(fixtureCode, url, CORP, "sop-1", "step-2", CORP + "#sop-1#step-2#2026-11-23", "lisi"));

        APIGatewayV2HTTPResponse r = send(e);

        assertThat(r.getStatusCode()).isEqualTo(302);
        assertThat(r.getHeaders()).containsEntry("Location", url).containsEntry("Cache-Control", "no-store")
                .containsEntry("Referrer-Policy", "no-referrer");
        assertThat(r.getCookies()).isNullOrEmpty(); // the fixture's visitor already has a cookie
        assertThat(links.step(CORP, "sop-1", "step-2").days()).containsExactly(new LinkStore.DayCounts(DAY, 1, 1, 0));
    }

    @Test
    void aKnownCodeRedirectsToItsUrlSetsAVisitorCookieAndCounts() {
        APIGatewayV2HTTPResponse r = send(request(code, PERSON, null, null));

        assertThat(r.getStatusCode()).isEqualTo(302);
        assertThat(r.getHeaders()).containsEntry("Location", URL).containsEntry("Cache-Control", "no-store")
                .containsEntry("Referrer-Policy", "no-referrer");
        assertThat(r.getCookies()).singleElement().satisfies(c -> assertThat(c)
                .matches("siyu_v=[A-Za-z0-9_-]{22}; Max-Age=31536000; Path=/l; Secure; HttpOnly; SameSite=Lax"));
        assertThat(today()).isEqualTo(new LinkStore.DayCounts(DAY, 1, 1, 0));
        String cookie = r.getCookies().get(0).substring("siyu_v=".length(), "siyu_v=".length() + 22);
        assertThat(items()).as("the raw cookie is never stored").allSatisfy(item -> assertThat(item.toString()).doesNotContain(cookie));
    }

    @Test
    void aRequestRetriedWithTheSameRequestIdIsCountedOnce() {
        APIGatewayV2HTTPResponse first = send(request(code, PERSON, "q1dG0vZyT7mB3wXcE9aLkA", "Cg7xYj3aoAMEbXw="));
        APIGatewayV2HTTPResponse again = send(request(code, PERSON, "q1dG0vZyT7mB3wXcE9aLkA", "Cg7xYj3aoAMEbXw="));

        assertThat(first.getStatusCode()).isEqualTo(302);
        assertThat(again.getStatusCode()).isEqualTo(302);
        assertThat(again.getHeaders()).containsEntry("Location", URL);
        assertThat(today()).isEqualTo(new LinkStore.DayCounts(DAY, 1, 1, 0));
    }

    @Test
    void twoCookiesAreTwoVisitorsAndOneCookieTwiceIsOne() {
        send(request(code, PERSON, "q1dG0vZyT7mB3wXcE9aLkA", null));
        send(request(code, PERSON, "q1dG0vZyT7mB3wXcE9aLkA", null));
        assertThat(today()).isEqualTo(new LinkStore.DayCounts(DAY, 2, 1, 0));

        send(request(code, PERSON, "Zz9yXw8vUu7tSs6rQq5pOo", null));
        assertThat(today()).isEqualTo(new LinkStore.DayCounts(DAY, 3, 2, 0));
    }

    @Test
    void aCookieThisFunctionCouldNotHaveSetIsReplaced() {
        APIGatewayV2HTTPResponse r = send(request(code, PERSON, "<script>", null));

        assertThat(r.getStatusCode()).isEqualTo(302);
        assertThat(r.getCookies()).singleElement().asString().startsWith("siyu_v=");
        assertThat(today()).isEqualTo(new LinkStore.DayCounts(DAY, 1, 1, 0));
    }

    static Stream<String> bots() {
        return Stream.of("", "   ", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
                "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "TelegramBot (like TwitterBot)",
                "WhatsApp/2.23.20.0", "curl/8.5.0", "python-requests/2.31.0", "Go-http-client/2.0", "okhttp/4.12.0",
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
                "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
    }

    @ParameterizedTest
    @MethodSource("bots")
    void botsAreRedirectedButCountedApartWithoutAVisitor(String userAgent) {
        APIGatewayV2HTTPResponse r = send(request(code, userAgent, null, null));

        assertThat(r.getStatusCode()).isEqualTo(302);
        assertThat(r.getHeaders()).containsEntry("Location", URL);
        assertThat(r.getCookies()).isNullOrEmpty();
        assertThat(today()).isEqualTo(new LinkStore.DayCounts(DAY, 0, 0, 1));
    }

    @Test
    void aRequestWithoutAUserAgentIsABot() {
        send(request(code, null, "q1dG0vZyT7mB3wXcE9aLkA", null));

        assertThat(today()).isEqualTo(new LinkStore.DayCounts(DAY, 0, 0, 1));
    }

    static Stream<String> hostileCodes() {
        return Stream.of("../x", "..%2F..%2Fetc", "%00", "\u0000", "abc\u0000defgh", "", " ", "x".repeat(200),
                "3kTMd8Qx2", "3kTMd8Qx2bb", "ÄkTMd8Qx2b", "码码码码码码码码码码", "3kTMd8Qx2\n", "3kTMd8Q%2b",
                "https://evil.example", "//evil.example", "3kTMd8Qx2b/../../x", "' OR 1=1 --");
    }

    @ParameterizedTest
    @MethodSource("hostileCodes")
    void malformedCodesAreNotFoundAndNothingIsStored(String hostile) {
        List<Map<String, AttributeValue>> before = items();

        APIGatewayV2HTTPResponse r = send(request(hostile, PERSON, null, null));

        assertThat(r.getStatusCode()).isEqualTo(404);
        assertThat(r.getBody()).isEqualTo("not found\n");
        assertThat(r.getHeaders()).doesNotContainKey("Location");
        assertThat(r.getCookies()).isNullOrEmpty();
        assertThat(items()).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void noPathParameterAtAllIsNotFound() {
        List<Map<String, AttributeValue>> before = items();

        assertThat(send(request(null, PERSON, null, null)).getStatusCode()).isEqualTo(404);
        assertThat(items()).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void anUnknownWellFormedCodeIsNotFoundAndNothingIsStored() {
        List<Map<String, AttributeValue>> before = items();
        String unknown = LinkCodes.code(CORP, "sop-1", "step-1", "zhangsan", "https://other.example.com/");

        APIGatewayV2HTTPResponse r = send(request(unknown, PERSON, null, null));

        assertThat(r.getStatusCode()).isEqualTo(404);
        assertThat(items()).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void theRequestCannotChooseWhereItIsSent() {
        APIGatewayV2HTTPEvent e = request(code, PERSON, null, null);
        e.setRawQueryString("next=https://evil.example&url=https://evil.example");
        e.setQueryStringParameters(Map.of("next", "https://evil.example", "url", "https://evil.example"));
        e.getHeaders().put("referer", "https://evil.example/");

        assertThat(send(e).getHeaders()).containsEntry("Location", URL);
    }

    @Test
    void countingThatFailsStillRedirects() {
        LinkStore broken = new LinkStore() {
            @Override
            public void register(TrackedLink link) {}

            @Override
            public java.util.Optional<TrackedLink> find(String corpId, String c) {
                return links.find(corpId, c);
            }

            @Override
            public Counted count(Click click) {
                throw new IllegalStateException("DynamoDB is down");
            }

            @Override
            public StepLinks step(String corpId, String sopId, String stepId) {
                throw new UnsupportedOperationException();
            }
        };
        List<RuntimeException> failures = new ArrayList<>();
        LinksHandler failing = new LinksHandler(new LinkRedirect(CORP, broken, failures::add),
                Clock.fixed(Instant.parse("2026-11-23T04:31:15Z"), java.time.ZoneOffset.UTC));

        APIGatewayV2HTTPResponse r = failing.handleRequest(request(code, PERSON, null, null), new LambdaContext());

        assertThat(r.getStatusCode()).isEqualTo(302);
        assertThat(r.getHeaders()).containsEntry("Location", URL);
        assertThat(failures).hasSize(1);
    }
}
