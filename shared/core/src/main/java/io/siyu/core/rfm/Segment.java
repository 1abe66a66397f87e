package io.siyu.core.rfm;

/**
 * The eight classic RFM segments, from whether R, F and M are high (score at or above the
 * corp's {@link RfmThresholds#highScoreFrom()}) or low. 重要 means M is high; 价值 R and F high,
 * 发展 R high and F low, 保持 R low and F high, 挽留 R and F low.
 */
public enum Segment {
    IMPORTANT_VALUE("重要价值客户"),
    IMPORTANT_DEVELOP("重要发展客户"),
    IMPORTANT_KEEP("重要保持客户"),
    IMPORTANT_RETAIN("重要挽留客户"),
    GENERAL_VALUE("一般价值客户"),
    GENERAL_DEVELOP("一般发展客户"),
    GENERAL_KEEP("一般保持客户"),
    GENERAL_RETAIN("一般挽留客户");

    private final String label;

    Segment(String label) {
        this.label = label;
    }

    /** The name operators know it by, and the WeCom corp tag's name. */
    public String label() {
        return label;
    }

    public static Segment of(boolean recencyHigh, boolean frequencyHigh, boolean monetaryHigh) {
        if (monetaryHigh) {
            return recencyHigh ? (frequencyHigh ? IMPORTANT_VALUE : IMPORTANT_DEVELOP)
                    : (frequencyHigh ? IMPORTANT_KEEP : IMPORTANT_RETAIN);
        }
        return recencyHigh ? (frequencyHigh ? GENERAL_VALUE : GENERAL_DEVELOP)
                : (frequencyHigh ? GENERAL_KEEP : GENERAL_RETAIN);
    }
}
