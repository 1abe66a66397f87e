package io.siyu.core.sop;

/**
 * One occurrence of a step: a broadcast fire (occurrence = its local minute, {@code 2026-03-06T18:00})
 * or a journey step's local fire day ({@code 2026-03-06}). The key is
 * {@code corpId#sopId#stepId#occurrence}; none of the parts contains {@code #}.
 */
public record RunId(String corpId, String sopId, String stepId, String occurrence) {

    public String key() {
        return corpId + "#" + sopId + "#" + stepId + "#" + occurrence;
    }

    public static RunId parse(String key) {
        String[] p = key.split("#", -1);
        if (p.length != 4) {
            throw new IllegalArgumentException("not a run key: " + key);
        }
        return new RunId(p[0], p[1], p[2], p[3]);
    }

    @Override
    public String toString() {
        return key();
    }
}
