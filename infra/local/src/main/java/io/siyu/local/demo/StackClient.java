package io.siyu.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

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
        return post("/_local/idle?timeoutSeconds=" + timeout.toSeconds(), "application/json", "", true).status() == 200;
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
