package io.siyu.functions.orders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates an order request (docs/orders.md, "Signing"): the sender names its source in
 * {@code X-Siyu-Source}, the Unix time in seconds in {@code X-Siyu-Timestamp}, and sends
 * {@code X-Siyu-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>}. The
 * timestamp must be within the window of now; the signature is compared in constant time
 * against every secret the source has (two during a rotation).
 */
final class OrderSignatures {

    static final String SOURCE_HEADER = "X-Siyu-Source";
    static final String TIMESTAMP_HEADER = "X-Siyu-Timestamp";
    static final String SIGNATURE_HEADER = "X-Siyu-Signature";
    static final String SCHEME = "v1=";

    private static final Pattern SOURCE = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Pattern SIGNATURE = Pattern.compile("v1=[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<String> secretsJson;
    private final Clock clock;
    private final Duration window;
    private volatile Parsed parsed;

    private record Parsed(String raw, Map<String, List<byte[]>> secrets) {}

    /**
     * @param secretsJson {@code {"source": "secret"}} or {@code {"source": ["new", "old"]}}, read on every use
     *                    (the supplier caches), so a rotation needs no deploy
     */
    OrderSignatures(Supplier<String> secretsJson, Clock clock, Duration window) {
        this.secretsJson = secretsJson;
        this.clock = clock;
        this.window = window;
    }

    /** The authenticated source, or {@link OrderRejected} (401) saying which check failed. */
    String verify(String source, String timestamp, String signature, byte[] body) {
        if (source == null || timestamp == null || signature == null) {
            throw new OrderRejected(401, "missing_signature", "the " + SOURCE_HEADER + ", " + TIMESTAMP_HEADER
                    + " and " + SIGNATURE_HEADER + " headers are required");
        }
        if (!SOURCE.matcher(source).matches()) {
            throw new OrderRejected(401, "unknown_source", "unknown order source");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw new OrderRejected(401, "stale_timestamp", TIMESTAMP_HEADER + " must be Unix seconds");
        }
        long skew = Math.abs(clock.instant().getEpochSecond() - seconds);
        if (skew > window.getSeconds()) {
            throw new OrderRejected(401, "stale_timestamp", TIMESTAMP_HEADER + " is " + skew
                    + " s away from now; the window is " + window.getSeconds() + " s");
        }
        List<byte[]> keys = secrets().get(source);
        if (keys == null) {
            throw new OrderRejected(401, "unknown_source", "unknown order source");
        }
        String given = signature.trim().toLowerCase(java.util.Locale.ROOT);
        if (!SIGNATURE.matcher(given).matches()) {
            throw new OrderRejected(401, "bad_signature", SIGNATURE_HEADER + " must be v1= and 64 hex digits");
        }
        byte[] expected = HexFormat.of().parseHex(given.substring(SCHEME.length()));
        boolean ok = false;
        for (byte[] key : keys) {
            // Every key is tried, whatever the outcome, so timing says nothing about which matched.
            ok |= MessageDigest.isEqual(expected, hmac(key, timestamp.trim(), body));
        }
        if (!ok) {
            throw new OrderRejected(401, "bad_signature", "the signature does not match the body");
        }
        return source;
    }

    /** {@code v1=} + hex HMAC-SHA256 over {@code timestamp + "." + body}: what a sender computes. */
    static String sign(String secret, String timestamp, byte[] body) {
        return SCHEME + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), timestamp, body));
    }

    private static byte[] hmac(byte[] key, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    private Map<String, List<byte[]>> secrets() {
        String raw = secretsJson.get();
        Parsed p = parsed;
        if (p != null && p.raw().equals(raw)) {
            return p.secrets();
        }
        Map<String, List<byte[]>> secrets = parse(raw);
        parsed = new Parsed(raw, secrets);
        return secrets;
    }

    /** A configuration error (500), never the caller's: the message names no secret. */
    static Map<String, List<byte[]>> parse(String raw) {
        JsonNode root;
        try {
            root = JSON.readTree(raw);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("order source secrets are not a JSON object");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalStateException("order source secrets are not a JSON object");
        }
        Map<String, List<byte[]>> out = new java.util.HashMap<>();
        root.fields().forEachRemaining(e -> {
            List<byte[]> keys = new ArrayList<>();
            JsonNode v = e.getValue();
            for (JsonNode k : v.isArray() ? v : JSON.createArrayNode().add(v)) {
                if (!k.isTextual() || k.asText().length() < 16) {
                    throw new IllegalStateException("order source " + e.getKey() + " has a secret shorter than 16 characters");
                }
                keys.add(k.asText().getBytes(StandardCharsets.UTF_8));
            }
            out.put(e.getKey(), List.copyOf(keys));
        });
        return Map.copyOf(out);
    }
}
