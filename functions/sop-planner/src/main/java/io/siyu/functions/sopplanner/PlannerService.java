package io.siyu.functions.sopplanner;

import io.siyu.core.sop.AudienceSource;
import io.siyu.core.sop.Chain;
import io.siyu.core.sop.ChainSource;
import io.siyu.core.sop.DailyClaims;
import io.siyu.core.sop.DueSteps;
import io.siyu.core.sop.DueSteps.Due;
import io.siyu.core.sop.PlanningStore;
import io.siyu.core.sop.PlanningStore.ChainCreated;
import io.siyu.core.sop.Run;
import io.siyu.core.sop.RunCounters;
import io.siyu.core.sop.RunId;
import io.siyu.core.sop.Sop;
import io.siyu.core.sop.SopStatus;
import io.siyu.core.sop.SopStore;
import io.siyu.core.sop.SopTime;
import io.siyu.core.sop.WorkQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The planner's tick: plans every minute from its cursor up to now, one minute at a time. For
 * each step occurrence due in a minute it saves the run and creates one planning chain per
 * source, then starts the chains through the queue; the audience itself is read by the chains.
 *
 * <p>Planning a minute is idempotent (runs and chains have deterministic keys and are created
 * conditionally), so a repeated or concurrent tick plans nothing twice, and the cursor only
 * moves past a minute after that minute is planned: a missed tick is caught up by the next one,
 * a crashed one is redone.
 *
 * <p>Within a minute, the SOPs are planned in priority order (higher first, then by id), and their
 * chains are created and queued in that order; before them, the chains of journey recipients
 * deferred to this minute (whose claims are already made). Who claims a recipient's day is
 * otherwise first come (docs/sop.md, "One mass message a day").
 */
final class PlannerService {

    private static final Logger LOG = LoggerFactory.getLogger(PlannerService.class);
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final String corpId;
    private final SopStore sops;
    private final PlanningStore store;
    private final AudienceSource audience;
    private final DailyClaims claims;
    private final WorkQueue chains;
    private final Clock clock;
    private final Duration settle;
    private final Duration maxCatchUp;

    /**
     * @param settle how long after its time a journey step is planned (contacts recorded late are included)
     * @param maxCatchUp how far back a tick catches up after an outage; older minutes are skipped
     */
    PlannerService(String corpId, SopStore sops, PlanningStore store, AudienceSource audience, DailyClaims claims, WorkQueue chains,
                   Clock clock, Duration settle, Duration maxCatchUp) {
        this.corpId = corpId;
        this.sops = sops;
        this.store = store;
        this.audience = audience;
        this.claims = claims;
        this.chains = chains;
        this.clock = clock;
        this.settle = settle;
        this.maxCatchUp = maxCatchUp;
    }

    /** What a tick did: the minutes [from, to) it planned, and how many chains it started. */
    record Tick(Instant from, Instant to, int runs, int chainsStarted) {
        int minutes() {
            return (int) Duration.between(from, to).toMinutes();
        }
    }

    /**
     * @param scheduledTime the schedule's time for this invocation (null: now); a retried
     *     invocation carries the same time, so it plans the same minutes
     * @param deadline when to stop, leaving the remaining minutes to the next tick
     */
    Tick tick(Instant scheduledTime, Instant deadline) {
        Instant now = clock.instant();
        Instant end = SopTime.floorMinute(scheduledTime == null || scheduledTime.isAfter(now) ? now : scheduledTime);
        Optional<Instant> cursor = store.nextMinute(corpId);
        Instant from = cursor.orElse(end);
        if (from.isBefore(end.minus(maxCatchUp))) {
            LOG.warn("sop planner was behind by {} minutes; minutes before {} are not planned",
                    Duration.between(from, end).toMinutes(), end.minus(maxCatchUp));
            from = end.minus(maxCatchUp);
        }
        if (from.isAfter(end)) {
            return new Tick(from, from, 0, 0);
        }
        List<Sop> active = sops.list(corpId).stream().filter(s -> s.status() == SopStatus.ACTIVE)
                .sorted(Comparator.comparingInt(Sop::priority).reversed().thenComparing(Sop::sopId)).toList();
        int runs = 0;
        int started = 0;
        Instant minute = from;
        while (!minute.isAfter(end) && clock.instant().isBefore(deadline)) {
            List<String> toStart = new ArrayList<>();
            // Journey recipients deferred to this fire minute: their runs exist, their claims are made.
            Instant bucket = minute.minus(settle);
            for (RunId run : claims.deferredRuns(corpId, bucket)) {
                Chain chain = Chain.start(run, new ChainSource.Deferred(bucket));
                if (store.createChain(chain) != ChainCreated.EXISTS_STARTED) {
                    toStart.add(chain.key());
                }
            }
            // Higher priorities first; a chain waits for the chains of higher-priority SOPs of this minute.
            List<String> higher = new ArrayList<>();
            List<String> level = new ArrayList<>();
            Integer levelPriority = null;
            for (Sop sop : active) {
                if (levelPriority != null && sop.priority() != levelPriority) {
                    higher.addAll(level);
                    level.clear();
                }
                levelPriority = sop.priority();
                for (Due due : DueSteps.at(sop, minute, settle)) {
                    List<ChainSource> sources = due.sources().stream().filter(this::hasRecipients).toList();
                    if (sources.isEmpty()) {
                        continue;
                    }
                    store.saveRun(new Run(due.run(), sop.kind(), due.step().chatType(), due.step().content(), sop.audience(),
                            sop.version(), null, RunCounters.ZERO));
                    runs++;
                    for (ChainSource source : sources) {
                        Chain chain = Chain.start(due.run(), source, higher);
                        level.add(chain.key());
                        // A chain created by a tick that died before starting it is started again.
                        if (store.createChain(chain) != ChainCreated.EXISTS_STARTED) {
                            toStart.add(chain.key());
                        }
                    }
                }
            }
            chains.send(toStart);
            started += toStart.size();
            minute = minute.plus(MINUTE);
        }
        if (minute.isAfter(from)) {
            store.advance(corpId, cursor, minute);
        }
        return new Tick(from, minute, runs, started);
    }

    /** A journey minute with nobody added in its range needs no chain (one small index read). */
    private boolean hasRecipients(ChainSource source) {
        return !(source instanceof ChainSource.Added a) || audience.anyAddedBetween(corpId, a.day(), a.from(), a.to());
    }
}
