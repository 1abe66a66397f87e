package io.siyu.core.links;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Tracked-link codes: ten base62 characters derived from (corpId, sopId, stepId, sender, URL), so
 * planning the same content again (a retried commit, a redelivered chain message, the next
 * occurrence of the step) yields the same code. Ten base62 characters carry 59 bits of the
 * SHA-256: a collision between two registered links is refused by the store, never overwritten.
 */
public final class LinkCodes {

    public static final int LENGTH = 10;
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String DOMAIN = "siyu-link-v1";

    private LinkCodes() {}

    public static String code(String corpId, String sopId, String stepId, String sender, String url) {
        byte[] hash = sha256(String.join("\n", DOMAIN, corpId, sopId, stepId, sender, url));
        // The first 8 bytes as an unsigned number, written in base62 (62^10 > 2^59): the first 59 bits.
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (hash[i] & 0xff);
        }
        value >>>= 5;
        char[] out = new char[LENGTH];
        for (int i = LENGTH - 1; i >= 0; i--) {
            out[i] = ALPHABET.charAt((int) (value % 62));
            value /= 62;
        }
        return new String(out);
    }

    /** Exactly ten ASCII letters and digits: anything else is not a code and is never looked up. */
    public static boolean isWellFormed(String code) {
        if (code == null || code.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = code.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
                return false;
            }
        }
        return true;
    }

    public static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Lower-case hex of the SHA-256 of {@code value} (visitor keys: the raw cookie is never stored). */
    public static String sha256Hex(String value) {
        StringBuilder sb = new StringBuilder(64);
        for (byte b : sha256(value)) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }
}
