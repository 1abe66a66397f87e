package io.siyu.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.emulators.LocalEnvironment;
import io.siyu.wecom.callback.CallbackCrypto;
import io.siyu.wecom.callback.CallbackEnvelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Talks to a running local stack over HTTP only, as WeCom, the order system and an operator
 * would: encrypted and signed WeCom callbacks, the admin API with the bearer token, and the local
 * control API. The demo and the end-to-end test use nothing else.
 */
public final class StackClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One HTTP exchange's outcome. */
    public record Reply(int status, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body.isEmpty() ? "null" : body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }
    }

    private final URI base;
    private final String adminToken;
    private final CallbackCrypto crypto;
    private final String corpId;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public StackClient(URI base, String adminToken, String corpId, String token, String aesKey, Clock clock) {
        this.base = base;
        this.adminToken = adminToken;
        this.corpId = corpId;
        this.crypto = new CallbackCrypto(token, aesKey, corpId);
        this.clock = clock;
    }

    public URI base() {
        return base;
    }

    /** Whether a stack answers at the base URL. */
    public boolean reachable() {
        try {
            return send(HttpRequest.newBuilder(base.resolve("/_local/health")).timeout(Duration.ofSeconds(2)).GET().build()).status() == 200;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /**
     * Delivers one callback as WeCom does: a fresh random prefix, the current timestamp and a new
     * nonce on every delivery (a retry of the same event differs only in these).
     */
    public Reply callback(String plaintextXml) {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String encrypted = crypto.encrypt(plaintextXml, random);
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        String nonce = Long.toString(1_000_000_000L + RANDOM.nextInt(1_000_000_000));
        Map<String, String> query = new LinkedHashMap<>();
        query.put("msg_signature", crypto.signature(timestamp, nonce, encrypted));
        query.put("timestamp", timestamp);
        query.put("nonce", nonce);
        return post("/wecom/callback?" + queryString(query), "text/xml", new CallbackEnvelope(corpId, "1000002", encrypted).toXml(), false);
    }

    /** WeCom's URL verification GET for {@code echo}. */
    public Reply verifyUrl(String echo) {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String encrypted = crypto.encrypt(echo, random);
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        String nonce = Long.toString(1_000_000_000L + RANDOM.nextInt(1_000_000_000));
        Map<String, String> query = new LinkedHashMap<>();
        query.put("msg_signature", crypto.signature(timestamp, nonce, encrypted));
        query.put("timestamp", timestamp);
        query.put("nonce", nonce);
        query.put("echostr", encrypted);
        return get("/wecom/callback?" + queryString(query), false);
    }

    /**
     * Sends orders as the local order source does (docs/orders.md, "Signing"): the source's name,
     * the current Unix time, and HMAC-SHA256 over the timestamp, a dot and the exact body bytes.
     */
    public Reply orders(String path, String jsonBody) {
        byte[] body = jsonBody.getBytes(StandardCharsets.UTF_8);
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json")
                .header("X-Siyu-Source", LocalEnvironment.ORDER_SOURCE)
                .header("X-Siyu-Timestamp", timestamp)
                .header("X-Siyu-Signature", "v1=" + hmacSha256Hex(LocalEnvironment.ORDER_SOURCE_SECRET, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    static String hmacSha256Hex(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * The stack's clock, to the second, from the Date header of its health answer: the demo
     * schedules against it, not against its own clock, since the stack may run elsewhere.
     */
    public Instant serverTime() {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(base.resolve("/_local/health")).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.headers().firstValue("date").map(d -> ZonedDateTime.parse(d, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant())
                    .orElseGet(clock::instant);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public Reply get(String pathAndQuery, boolean withToken) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(60)).GET();
        return send(auth(b, withToken).build());
    }

    public Reply post(String pathAndQuery, String contentType, String body, boolean withToken) {
        return send(auth(HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)), withToken).build());
    }

    public Reply put(String pathAndQuery, String json) {
        return send(auth(HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)), true).build());
    }

    /** An admin API call with the bearer token and a JSON body (null for none). */
    public Reply admin(String method, String path, Object body) {
        String json;
        try {
            json = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return send(auth(b, true).build());
    }

    /** Waits until the stack has nothing in flight; false when it did not settle in time. */
    public boolean awaitIdle(Duration timeout) {
        // The HTTP timeout outlasts the stack's own, so a stack that does not settle answers 504 instead.
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/_local/idle?timeoutSeconds=" + timeout.toSeconds()))
                .timeout(timeout.plusSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build();
        return send(auth(HttpRequest.newBuilder(request, (k, v) -> true), true).build()).status() == 200;
    }

    public Reply fireSchedule(String id) {
        return post("/_local/schedules/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/fire", "application/json", "", true);
    }

    /** Every event the bus accepted so far. */
    public JsonNode events() {
        return get("/_local/events?after=0", true).json().path("events");
    }

    public JsonNode stack() {
        return get("/_local/stack", true).json();
    }

    /** What a browser sees of a GET it does not follow: the status, the redirect and the cookie it is given. */
    public record Visit(int status, String location, String setCookie) {}

    /** A GET as a browser or a link-preview fetcher sends it: its own User-Agent and cookie (null: none); no redirect followed. */
    public Visit visit(String pathAndQuery, String userAgent, String cookie) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(30)).GET();
        if (userAgent != null) {
            b.header("User-Agent", userAgent);
        }
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        try {
            HttpResponse<Void> r = http.send(b.build(), HttpResponse.BodyHandlers.discarding());
            return new Visit(r.statusCode(), r.headers().firstValue("Location").orElse(null), r.headers().firstValue("Set-Cookie").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach " + pathAndQuery + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private HttpRequest.Builder auth(HttpRequest.Builder b, boolean withToken) {
        return withToken ? b.header("Authorization", "Bearer " + adminToken) : b;
    }

    private Reply send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach " + request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String queryString(Map<String, String> query) {
        return query.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
