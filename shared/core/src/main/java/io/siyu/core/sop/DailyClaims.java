package io.siyu.core.sop;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * WeCom delivers one mass message per customer (and per group) per day (wecom-api.md §9), so the
 * planner claims each recipient's local day before it plans a send: one item per (corp,
 * recipient, day), written conditionally. A claim succeeds when the day is free or already held
 * by the same owner ({@link #owner}: the run and the sender), so a retried or redelivered chain
 * page claims again what it claimed before. Claims are never released: a claim whose page was
 * never committed stays with its owner and is reused when the chain retries, and expires with
 * its TTL.
 *
 * <p>Journey recipients whose day is taken are deferred: their claim on a later day is made at
 * once and the recipient is stored under that day's fire minute, where a {@link ChainSource.Deferred}
 * chain of the same run plans it.
 */
public interface DailyClaims {

    /** One claim: {@code recipient} (external_userid, or chat id for groups) on local {@code day}. */
    record Claim(ChatType chatType, String recipient, LocalDate day, String owner) {}

    /** The owner of a run's claims for one sender: a relationship fires a step once per run. */
    static String owner(RunId run, String sender) {
        return run.key() + "#" + sender;
    }

    /**
     * Makes every claim (concurrently, within a bound); element i of the answer is true when
     * {@code claims.get(i)} is held by its owner now, false when another owner holds the day.
     */
    List<Boolean> claim(String corpId, List<Claim> claims);

    /** A journey recipient deferred to a later fire minute of its run. */
    record Deferral(String sender, String externalUserId) {}

    /** Stores deferred recipients of {@code run} under the fire minute {@code bucket} (idempotent puts). */
    void defer(RunId run, Instant bucket, List<Deferral> deferrals);

    /** The runs with recipients deferred to the fire minute {@code bucket}. */
    List<RunId> deferredRuns(String corpId, Instant bucket);

    /** A page of a run's recipients deferred to {@code bucket}; {@code next} null when exhausted. */
    record DeferredPage(List<Deferral> deferrals, List<String> positions, String next) {
        public DeferredPage {
            deferrals = List.copyOf(deferrals);
            positions = List.copyOf(positions);
        }
    }

    /** Up to {@code limit} deferred recipients after {@code after} (null: from the start). */
    DeferredPage deferred(RunId run, Instant bucket, String after, int limit);

    /** A local day's figures. */
    record Day(LocalDate day, DayCounters counters) {}

    /** The corp's days in [from, to] that have figures, in order. */
    List<Day> days(String corpId, LocalDate from, LocalDate to);
}
