package io.siyu.core.rfm;

/** R, F and M, each scored 1 (worst) to 5 (best). */
public record RfmScores(int recency, int frequency, int monetary) {

    public RfmScores {
        check(recency);
        check(frequency);
        check(monetary);
    }

    private static void check(int score) {
        if (score < 1 || score > 5) {
            throw new IllegalArgumentException("a score is 1..5, not " + score);
        }
    }
}
