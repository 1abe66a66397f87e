package io.siyu.core.rfm;

/** Where a paying customer is in their life with the corp (rules: {@link RfmRules#stage}, docs/rfm.md). */
public enum LifecycleStage {
    NEW("引入期"),
    GROWING("成长期"),
    MATURE("成熟期"),
    DECLINING("衰退期"),
    LOST("流失期");

    private final String label;

    LifecycleStage(String label) {
        this.label = label;
    }

    /** The name operators know it by, and the WeCom corp tag's name. */
    public String label() {
        return label;
    }
}
