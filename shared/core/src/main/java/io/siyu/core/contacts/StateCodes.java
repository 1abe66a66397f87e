package io.siyu.core.contacts;

/**
 * The 「联系我」 / 「加入群聊」 {@code state} namespace (WeCom allows 30 characters). Each feature
 * owns a prefix, so a state code tells which feature a new contact belongs to without a lookup:
 * channels {@code ch_}, referral campaigns {@code rf_}. Anything else is unattributed.
 */
public final class StateCodes {

    public static final int MAX_LENGTH = 30;
    public static final String CHANNEL_PREFIX = "ch_";
    public static final String REFERRAL_PREFIX = "rf_";

    private StateCodes() {}

    public static boolean isChannel(String state) {
        return state != null && state.startsWith(CHANNEL_PREFIX);
    }

    public static boolean isReferral(String state) {
        return state != null && state.startsWith(REFERRAL_PREFIX);
    }
}
