package io.siyu.core.sop;

import java.util.List;
import java.util.Map;

/**
 * A planning chain: reads one source of a run page by page and packs the recipients into
 * dispatches of the per-call maximum, one sender at a time. Its state moves only by a commit
 * conditional on {@code seq}, so two invocations working the same chain cannot both commit a
 * page: the loser stops. {@code pendingSend} names the dispatches sealed by the last commit whose
 * queue messages may not have been sent yet.
 *
 * @param position where the source resumes (null: from the start)
 * @param open per sender, the dispatch being filled
 * @param after the chains of higher-priority SOPs due in the same planning minute: this chain
 *     claims nothing before they are done (or a bounded wait has passed)
 */
public record Chain(String key, RunId run, ChainSource source, long seq, String position, boolean done,
                    Map<String, OpenDispatch> open, List<String> pendingSend, List<String> after) {

    public Chain {
        open = Map.copyOf(open);
        pendingSend = List.copyOf(pendingSend);
        after = List.copyOf(after);
    }

    public Chain(String key, RunId run, ChainSource source, long seq, String position, boolean done, Map<String, OpenDispatch> open,
                 List<String> pendingSend) {
        this(key, run, source, seq, position, done, open, pendingSend, List.of());
    }

    public static Chain start(RunId run, ChainSource source) {
        return start(run, source, List.of());
    }

    public static Chain start(RunId run, ChainSource source, List<String> after) {
        return new Chain(SopKeys.chainKey(run, source), run, source, 0, null, false, Map.of(), List.of(), after);
    }

    /** A dispatch being filled: its number for the sender, pages written and recipients so far. */
    public record OpenDispatch(int number, int pages, int filled) {}
}
