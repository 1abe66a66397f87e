package io.siyu.core.rfm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one corp scores R, F and M (configured through the admin API; {@link #DEFAULTS} until then).
 * Each list holds four ascending boundaries:
 * <ul>
 *   <li>{@code recencyDays}: R is 5 when the last paid order is at most {@code recencyDays[0]}
 *       local days ago, 4 when at most {@code [1]}, 3 at most {@code [2]}, 2 at most {@code [3]},
 *       else 1;</li>
 *   <li>{@code frequencyOrders}: F is 1 plus how many boundaries the paid-order count reaches
 *       (2, 3, 5, 10 by default: one order scores 1, ten or more score 5);</li>
 *   <li>{@code monetaryFen}: M likewise on the amount net of refunds, in fen.</li>
 * </ul>
 *
 * @param highScoreFrom a score at or above this is "high" for the segment
 * @param newCustomerDays a contact added at most this many days ago is in 引入期 (new)
 */
public record RfmThresholds(List<Integer> recencyDays, List<Long> frequencyOrders, List<Long> monetaryFen,
                            int highScoreFrom, int newCustomerDays) {

    public static final int BOUNDARIES = 4;

    public static final RfmThresholds DEFAULTS = new RfmThresholds(
            List.of(30, 60, 90, 180),
            List.of(2L, 3L, 5L, 10L),
            List.of(10_000L, 50_000L, 100_000L, 500_000L),
            3,
            30);

    public RfmThresholds {
        recencyDays = List.copyOf(recencyDays);
        frequencyOrders = List.copyOf(frequencyOrders);
        monetaryFen = List.copyOf(monetaryFen);
        Map<String, String> problems = problems(recencyDays, frequencyOrders, monetaryFen, highScoreFrom, newCustomerDays);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid RFM thresholds: " + problems);
        }
    }

    /**
     * Everything wrong with a candidate configuration, by field name; empty when it is valid.
     * Null lists are reported as missing.
     */
    public static Map<String, String> problems(List<Integer> recencyDays, List<Long> frequencyOrders,
                                               List<Long> monetaryFen, int highScoreFrom, int newCustomerDays) {
        Map<String, String> out = new LinkedHashMap<>();
        ascending(out, "recencyDays", recencyDays == null ? null
                : recencyDays.stream().map(d -> d == null ? null : d.longValue()).toList(), 1, 3650);
        ascending(out, "frequencyOrders", frequencyOrders, 2, 1_000_000);
        ascending(out, "monetaryFen", monetaryFen, 1, 100_000_000_000L);
        if (highScoreFrom < 2 || highScoreFrom > 5) {
            out.put("highScoreFrom", "must be between 2 and 5");
        }
        if (newCustomerDays < 1 || newCustomerDays > 365) {
            out.put("newCustomerDays", "must be between 1 and 365");
        }
        return out;
    }

    private static void ascending(Map<String, String> out, String field, List<Long> values, long min, long max) {
        if (values == null) {
            out.put(field, "is required");
        } else if (values.size() != BOUNDARIES || values.stream().anyMatch(java.util.Objects::isNull)) {
            out.put(field, "must hold exactly " + BOUNDARIES + " numbers");
        } else if (values.get(0) < min || values.get(BOUNDARIES - 1) > max) {
            out.put(field, "must lie between " + min + " and " + max);
        } else {
            for (int i = 1; i < BOUNDARIES; i++) {
                if (values.get(i) <= values.get(i - 1)) {
                    out.put(field, "must be strictly ascending");
                    return;
                }
            }
        }
    }

    public int recencyScore(long days) {
        for (int i = 0; i < BOUNDARIES; i++) {
            if (days <= recencyDays.get(i)) {
                return 5 - i;
            }
        }
        return 1;
    }

    public int frequencyScore(long paidOrders) {
        return 1 + reached(frequencyOrders, paidOrders);
    }

    public int monetaryScore(long paidFen) {
        return 1 + reached(monetaryFen, paidFen);
    }

    public boolean high(int score) {
        return score >= highScoreFrom;
    }

    private static int reached(List<Long> boundaries, long value) {
        int n = 0;
        for (long b : boundaries) {
            if (value >= b) {
                n++;
            }
        }
        return n;
    }
}
