package io.siyu.core.links;

import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.Base64;

/**
 * The anonymous first-party visitor cookie ({@code siyu_v}): 16 random bytes, base64url without
 * padding (22 characters). Unique visitors are counted per code and local day by the SHA-256 of
 * (code, cookie, day): the cookie itself is never stored, and the key cannot be linked across
 * codes or days.
 */
public final class Visitors {

    public static final String COOKIE = "siyu_v";
    public static final int MAX_AGE_SECONDS = 365 * 24 * 3600;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Visitors() {}

    public static String newId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A value this function could have set: 22 base64url characters; anything else is ignored. */
    public static boolean isWellFormed(String id) {
        if (id == null || id.length() != 22) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    public static String key(String code, String visitorId, LocalDate day) {
        return LinkCodes.sha256Hex(code + "|" + visitorId + "|" + day);
    }

    /** The Set-Cookie value for a new visitor. */
    public static String setCookie(String visitorId) {
        return COOKIE + "=" + visitorId + "; Max-Age=" + MAX_AGE_SECONDS + "; Path=/l; Secure; HttpOnly; SameSite=Lax";
    }
}
