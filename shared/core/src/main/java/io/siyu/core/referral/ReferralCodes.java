package io.siyu.core.referral;

import io.siyu.core.contacts.StateCodes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The 「联系我」 / 「加入群聊」 {@code state} of an inviter's personal code (WeCom allows 30
 * characters): {@code rf_} + the campaign id (8 characters) + {@code _} + the participant code
 * (10 characters), 22 characters in all, Crockford base32 in lower case.
 * <p>
 * The participant code is the first 50 bits of SHA-256 over campaign id, inviter and a salt, so
 * issuing twice for one inviter computes the same state (the issue endpoint is idempotent without
 * a lookup table). The state → (campaign, inviter) mapping is stored when a code is issued; on
 * the rare hash collision with another inviter the next salt is tried.
 */
public final class ReferralCodes {

    public static final int CAMPAIGN_ID_LENGTH = 8;
    public static final int PARTICIPANT_CODE_LENGTH = 10;
    /** How many salts the issuer tries before giving up (a second collision at 50 bits is not expected). */
    public static final int MAX_SALT = 8;

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final Pattern STATE = Pattern.compile(
            Pattern.quote(StateCodes.REFERRAL_PREFIX) + "([0-9a-hjkmnp-tv-z]{8})_([0-9a-hjkmnp-tv-z]{10})");
    private static final Pattern CAMPAIGN_ID = Pattern.compile("[0-9a-hjkmnp-tv-z]{8}");

    private ReferralCodes() {}

    /** A state that names a campaign and one of its participant codes. */
    public record ParsedState(String campaignId, String participantCode) {}

    /** A fresh campaign id: 40 random bits. */
    public static String newCampaignId(RandomGenerator random) {
        StringBuilder id = new StringBuilder(CAMPAIGN_ID_LENGTH);
        for (int i = 0; i < CAMPAIGN_ID_LENGTH; i++) {
            id.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }

    public static boolean isCampaignId(String id) {
        return id != null && CAMPAIGN_ID.matcher(id).matches();
    }

    /** The state for {@code inviter} in {@code campaignId}, salt 0 unless an earlier salt collided. */
    public static String state(String campaignId, String inviterExternalUserId, int salt) {
        if (!isCampaignId(campaignId)) {
            throw new IllegalArgumentException("not a campaign id: " + campaignId);
        }
        byte[] digest = sha256(campaignId + "\n" + inviterExternalUserId + "\n" + salt);
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | (digest[i] & 0xff);
        }
        StringBuilder code = new StringBuilder(PARTICIPANT_CODE_LENGTH);
        for (int i = 0; i < PARTICIPANT_CODE_LENGTH; i++) {
            code.append(ALPHABET[(int) ((bits >>> (59 - 5 * i)) & 31)]);
        }
        String state = StateCodes.REFERRAL_PREFIX + campaignId + "_" + code;
        if (state.length() > StateCodes.MAX_LENGTH) {
            throw new IllegalStateException("state longer than WeCom allows: " + state);
        }
        return state;
    }

    /** The campaign and participant code of a referral state; empty for anything else (channels, garbage). */
    public static Optional<ParsedState> parse(String state) {
        if (!StateCodes.isReferral(state)) {
            return Optional.empty();
        }
        Matcher m = STATE.matcher(state);
        return m.matches() ? Optional.of(new ParsedState(m.group(1), m.group(2))) : Optional.empty();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
        }
    }
}
