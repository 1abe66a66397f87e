package io.siyu.wecom.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The transport to WeCom's server API ({@code /cgi-bin/...}): JSON over HTTPS with the JDK's
 * HTTP client, an explicit timeout on every call, and the app's access_token cached for its
 * lifetime. A token WeCom calls invalid or expired (40014, 42001) is refreshed and the call made
 * once more, once. Failures surface as {@link WeComException}; nothing here sleeps or retries in
 * a loop: the queue or event source behind the caller retries.
 */
public final class WeComClient {

    /** Refresh this long before WeCom's stated expiry, so a token never expires mid-call. */
    private static final Duration EXPIRY_MARGIN = Duration.ofMinutes(5);

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final URI baseUrl;
    private final String corpId;
    private final Supplier<String> secret;
    private final HttpClient http;
    private final Clock clock;
    private final Duration timeout;
    private final Object tokenLock = new Object();
    private volatile CachedToken token;

    private record CachedToken(String secret, String value, Instant refreshAt) {}

    /**
     * @param baseUrl {@code https://qyapi.weixin.qq.com} in production, a stub in tests and the local stack
     * @param secret the self-built app's Secret, read on use so a rotation is picked up
     */
    public WeComClient(URI baseUrl, String corpId, Supplier<String> secret, HttpClient http, Clock clock, Duration timeout) {
        this.baseUrl = baseUrl;
        this.corpId = corpId;
        this.secret = secret;
        this.http = http;
        this.clock = clock;
        this.timeout = timeout;
    }

    public static WeComClient create(URI baseUrl, String corpId, Supplier<String> secret, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
        return new WeComClient(baseUrl, corpId, secret, http, Clock.systemUTC(), timeout);
    }

    public String corpId() {
        return corpId;
    }

    /** POST a JSON body to {@code path} (for example {@code /cgi-bin/externalcontact/add_contact_way}). */
    public JsonNode post(String path, Object body) {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("request body for " + path + " is not serialisable", e);
        }
        return callWithToken(path, Map.of(), json);
    }

    /** GET {@code path} with query parameters (the access_token is added). */
    public JsonNode get(String path, Map<String, String> query) {
        return callWithToken(path, query, null);
    }

    private JsonNode callWithToken(String path, Map<String, String> query, byte[] body) {
        String current = accessToken();
        JsonNode reply = send(path, query, body, current);
        int errcode = reply.path("errcode").asInt(0);
        if (WeComErrors.TOKEN_EXPIRED.contains(errcode)) {
            invalidate(current);
            reply = send(path, query, body, accessToken());
            errcode = reply.path("errcode").asInt(0);
        }
        if (errcode != 0) {
            throw WeComErrors.of(api(path), errcode, reply.path("errmsg").asText(""));
        }
        return reply;
    }

    private JsonNode send(String path, Map<String, String> query, byte[] body, String accessToken) {
        Map<String, String> q = new LinkedHashMap<>(query);
        q.put("access_token", accessToken);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path, q)).timeout(timeout);
        if (body == null) {
            request.GET();
        } else {
            request.header("Content-Type", "application/json; charset=utf-8").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        }
        // Only a POST can change something at WeCom; a GET (and gettoken) never has an effect.
        return exchange(api(path), request.build(), body != null);
    }

    /** The cached token, fetching a new one when there is none, it is near expiry, or the secret changed. */
    String accessToken() {
        String currentSecret = secret.get();
        CachedToken t = token;
        if (t != null && t.secret().equals(currentSecret) && clock.instant().isBefore(t.refreshAt())) {
            return t.value();
        }
        synchronized (tokenLock) {
            t = token;
            if (t != null && t.secret().equals(currentSecret) && clock.instant().isBefore(t.refreshAt())) {
                return t.value();
            }
            JsonNode reply = exchange("gettoken", HttpRequest.newBuilder(uri("/cgi-bin/gettoken",
                    Map.of("corpid", corpId, "corpsecret", currentSecret))).timeout(timeout).GET().build(), false);
            int errcode = reply.path("errcode").asInt(0);
            if (errcode != 0) {
                throw WeComErrors.of("gettoken", errcode, reply.path("errmsg").asText(""));
            }
            String value = reply.path("access_token").asText(null);
            if (value == null || value.isEmpty()) {
                throw new WeComException("gettoken", WeComException.UNAVAILABLE, "no access_token in the reply", true);
            }
            long expiresIn = reply.path("expires_in").asLong(7200);
            Instant refreshAt = clock.instant().plusSeconds(expiresIn).minus(EXPIRY_MARGIN);
            token = new CachedToken(currentSecret, value, refreshAt);
            return value;
        }
    }

    private void invalidate(String rejected) {
        synchronized (tokenLock) {
            CachedToken t = token;
            if (t != null && t.value().equals(rejected)) {
                token = null;
            }
        }
    }

    /**
     * @param mayHaveEffect the request can change something at WeCom (a POST): when no answer is
     *     read after it may have arrived, the failure is {@link WeComException.NoAnswer}, because
     *     WeCom may have acted on it
     */
    private JsonNode exchange(String api, HttpRequest request, boolean mayHaveEffect) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            // No connection, so the request never reached WeCom: safe to send again.
            throw new WeComException(api, WeComException.UNAVAILABLE, "unreachable: " + e.getClass().getSimpleName(), true);
        } catch (IOException e) {
            throw noAnswer(api, mayHaveEffect, "no answer: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw noAnswer(api, mayHaveEffect, "interrupted");
        }
        if (response.statusCode() != 200) {
            throw noAnswer(api, mayHaveEffect, "HTTP " + response.statusCode());
        }
        try {
            JsonNode reply = JSON.readTree(response.body());
            if (reply == null || !reply.isObject()) {
                throw noAnswer(api, mayHaveEffect, "reply is not a JSON object");
            }
            return reply;
        } catch (IOException e) {
            throw noAnswer(api, mayHaveEffect, "reply is not JSON");
        }
    }

    private static WeComException noAnswer(String api, boolean mayHaveEffect, String reason) {
        return mayHaveEffect ? new WeComException.NoAnswer(api, reason)
                : new WeComException(api, WeComException.UNAVAILABLE, reason, true);
    }

    private URI uri(String path, Map<String, String> query) {
        String q = query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        String base = baseUrl.toString().endsWith("/") ? baseUrl.toString().substring(0, baseUrl.toString().length() - 1)
                : baseUrl.toString();
        return URI.create(base + path + (q.isEmpty() ? "" : "?" + q));
    }

    private static String api(String path) {
        return path.startsWith("/cgi-bin/") ? path.substring("/cgi-bin/".length()) : path;
    }

    /** Jackson, configured for WeCom's JSON, for the typed API classes. */
    static ObjectMapper json() {
        return JSON;
    }
}
