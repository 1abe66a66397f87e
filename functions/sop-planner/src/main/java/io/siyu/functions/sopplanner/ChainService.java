package io.siyu.functions.sopplanner;

import io.siyu.core.contacts.RelationshipStatus;
import io.siyu.core.links.LinkRewriter;
import io.siyu.core.sop.AudienceSource;
import io.siyu.core.sop.AudienceSource.Member;
import io.siyu.core.sop.AudienceSource.Page;
import io.siyu.core.sop.Chain;
import io.siyu.core.sop.ChainCommit;
import io.siyu.core.sop.ChainSource;
import io.siyu.core.sop.ChatType;
import io.siyu.core.sop.CustomerSegments;
import io.siyu.core.sop.DailyClaims;
import io.siyu.core.sop.DailyClaims.Claim;
import io.siyu.core.sop.DailyClaims.Deferral;
import io.siyu.core.sop.DayCounters;
import io.siyu.core.sop.DispatchFiller;
import io.siyu.core.sop.DispatchHead;
import io.siyu.core.sop.GroupTarget;
import io.siyu.core.sop.PlanningStore;
import io.siyu.core.sop.Run;
import io.siyu.core.sop.RunCounters;
import io.siyu.core.sop.SopTime;
import io.siyu.core.sop.WorkQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works one planning chain: reads its source a page at a time, keeps the members the run's
 * audience selects, skips (and counts) those who are no longer contacts, packs the rest into
 * dispatches of WeCom's per-call maximum, and commits each page with a conditional write. Before
 * a page is packed, every recipient's local day is claimed ({@link DailyClaims}): WeCom sends one
 * mass message per customer and group a day, so a recipient whose day is taken is not planned:
 * skipped (broadcasts) or deferred to the next free day within {@code maxDeferDays} (journeys). Sealed
 * dispatches go to the dispatch queue after their commit; a chain that is not finished when the
 * invocation's time is up hands itself on through the planning queue.
 */
final class ChainService {

    /** add_msg_template's maximums (wecom-api.md §9). */
    static final int MAX_CUSTOMERS_PER_CALL = 10_000;
    static final int MAX_GROUPS_PER_CALL = 2_000;
    /** Ids per stored page: 2,500 ids of up to 64 bytes stay far below DynamoDB's 400 KB item limit. */
    static final int PAGE_SIZE = 2_500;
    /**
     * Pages and heads per commit: a transaction holds 100 items, two of them the chain and the run,
     * and up to {@link #MAX_DEFER_DAYS} + 1 the per-day figures.
     */
    static final int MAX_WRITES = 90;
    /** How far a journey recipient may be deferred at most (the commit's per-day items must fit). */
    static final int MAX_DEFER_DAYS = 7;

    private static final Logger LOG = LoggerFactory.getLogger(ChainService.class);

    enum Outcome {
        /** The chain is complete (now or before). */
        DONE,
        /** Time was up: a message to continue it is on the planning queue. */
        HANDED_ON,
        /** Another invocation committed first; it carries on. */
        MOVED_ON,
        /** No such chain (expired, or never created). */
        MISSING,
        /** A higher-priority chain of the same planning minute is not done: queued again, delayed. */
        WAITING
    }

    private final PlanningStore store;
    private final AudienceSource audience;
    private final CustomerSegments segments;
    private final DailyClaims claims;
    private final int maxDeferDays;
    private final WorkQueue chains;
    private final WorkQueue dispatches;
    private final Clock clock;
    private final int batchSize;
    private final int maxCommits;
    private final int perCallCustomers;
    private final int perCallGroups;
    private int waitDelaySeconds = 5;
    private Duration maxWait = Duration.ofMinutes(15);
    /** Tracked links (issue 10): each sender's sealed dispatches carry its own short links. Off unless configured. */
    private LinkRewriter links = LinkRewriter.NONE;

    /**
     * @param batchSize members read per page
     * @param maxCommits pages per invocation at most (besides the deadline); 0 for no limit
     */
    ChainService(PlanningStore store, AudienceSource audience, CustomerSegments segments, DailyClaims claims, int maxDeferDays,
                 WorkQueue chains, WorkQueue dispatches, Clock clock, int batchSize, int maxCommits) {
        this(store, audience, segments, claims, maxDeferDays, chains, dispatches, clock, batchSize, maxCommits, MAX_CUSTOMERS_PER_CALL,
                MAX_GROUPS_PER_CALL);
    }

    /** With other per-call maximums: only for tests that check the packing at a small scale. */
    ChainService(PlanningStore store, AudienceSource audience, CustomerSegments segments, DailyClaims claims, int maxDeferDays,
                 WorkQueue chains, WorkQueue dispatches, Clock clock, int batchSize, int maxCommits, int perCallCustomers, int perCallGroups) {
        if (maxDeferDays < 0 || maxDeferDays > MAX_DEFER_DAYS) {
            throw new IllegalArgumentException("maxDeferDays must be 0-" + MAX_DEFER_DAYS + ": " + maxDeferDays);
        }
        this.store = store;
        this.audience = audience;
        this.segments = segments;
        this.claims = claims;
        this.maxDeferDays = maxDeferDays;
        this.chains = chains;
        this.dispatches = dispatches;
        this.clock = clock;
        this.batchSize = batchSize;
        this.maxCommits = maxCommits;
        this.perCallCustomers = perCallCustomers;
        this.perCallGroups = perCallGroups;
    }

    /**
     * How a chain waits for the higher-priority chains of its planning minute: queued again
     * {@code delaySeconds} later, until they are done or {@code maxWait} after its fire minute (a
     * failed higher-priority chain must not hold it for ever).
     */
    ChainService priorityWait(int delaySeconds, Duration maxWait) {
        this.waitDelaySeconds = delaySeconds;
        this.maxWait = maxWait;
        return this;
    }

    /** Turns on tracked links in the content of sealed dispatches (once, at init). */
    ChainService trackLinks(LinkRewriter rewriter) {
        this.links = rewriter;
        return this;
    }

    Outcome work(String chainKey, Instant deadline) {
        Chain chain = store.chain(chainKey).orElse(null);
        if (chain == null) {
            return Outcome.MISSING;
        }
        // A commit whose dispatch messages may not have gone out (the invocation died after it).
        sendSealed(chain);
        if (chain.done()) {
            return Outcome.DONE;
        }
        if (chain.seq() == 0 && waitsForHigherPriority(chain)) {
            chains.sendLater(List.of(chainKey), waitDelaySeconds);
            return Outcome.WAITING;
        }
        Run run = store.run(chain.run()).orElseThrow(() -> new IllegalStateException("chain " + chainKey + " has no run"));
        for (int commits = 0; ; commits++) {
            if ((maxCommits > 0 && commits >= maxCommits) || !clock.instant().isBefore(deadline)) {
                chains.send(List.of(chainKey));
                return Outcome.HANDED_ON;
            }
            ChainCommit commit = next(chain, run);
            try {
                store.commit(commit);
            } catch (PlanningStore.ChainMoved moved) {
                return Outcome.MOVED_ON;
            }
            chain = commit.next();
            sendSealed(chain);
            if (chain.done()) {
                return Outcome.DONE;
            }
        }
    }

    private boolean waitsForHigherPriority(Chain chain) {
        if (chain.after().isEmpty() || !clock.instant().isBefore(fireMinute(chain).plus(maxWait))) {
            return false;
        }
        for (String key : chain.after()) {
            if (store.chain(key).map(c -> !c.done()).orElse(false)) {
                return true;
            }
        }
        return false;
    }

    private static Instant fireMinute(Chain chain) {
        if (chain.source() instanceof ChainSource.Added a) {
            return a.bucket();
        }
        if (chain.source() instanceof ChainSource.Deferred d) {
            return d.bucket();
        }
        return SopTime.instant(LocalDateTime.parse(chain.run().occurrence()));
    }

    private void sendSealed(Chain chain) {
        if (!chain.pendingSend().isEmpty()) {
            dispatches.send(chain.pendingSend());
            store.sent(chain.key(), chain.seq());
        }
    }

    /** One page of the chain's source, as a commit. */
    ChainCommit next(Chain chain, Run run) {
        int perCall = run.chatType() == ChatType.GROUP ? perCallGroups : perCallCustomers;
        DispatchFiller filler = new DispatchFiller(chain, run.chatType(), links.contentFor(run.id(), run.content()), perCall,
                PAGE_SIZE, MAX_WRITES);
        Tally tally = new Tally(day(chain), chain.source() instanceof ChainSource.Added a ? a.bucket() : null);
        String position = chain.position();
        boolean exhausted;
        if (chain.source() instanceof ChainSource.Groups groups) {
            List<String> chats = chatsOf(run, groups.sender());
            int i = position == null ? 0 : Integer.parseInt(position);
            List<Candidate> candidates = chats.subList(i, chats.size()).stream().map(c -> new Candidate(groups.sender(), c)).toList();
            Map<Candidate, Integer> days = claim(chain, run, candidates, false);
            while (i < chats.size() && tally.offer(filler, new Candidate(groups.sender(), chats.get(i)), days)) {
                i++;
            }
            position = Integer.toString(i);
            exhausted = i == chats.size();
        } else if (chain.source() instanceof ChainSource.Deferred deferred) {
            DailyClaims.DeferredPage page = claims.deferred(run.id(), deferred.bucket(), position, batchSize);
            List<Candidate> candidates = page.deferrals().stream().map(d -> new Candidate(d.sender(), d.externalUserId())).toList();
            Map<Candidate, Integer> days = claim(chain, run, candidates, false);
            boolean whole = true;
            for (int i = 0; i < candidates.size(); i++) {
                if (!tally.offer(filler, candidates.get(i), days)) {
                    whole = false;
                    break;
                }
                tally.resolved++;
                position = page.positions().get(i);
            }
            exhausted = whole && page.next() == null;
        } else {
            Page page = page(chain, position);
            Map<String, CustomerSegments.Segment> segmentsOf = segmentsOf(run, page);
            List<Member> selected = new ArrayList<>();
            for (Member m : page.members()) {
                if (run.audience().matches(m) && run.audience().matchesSegment(segmentsOf.get(m.externalUserId()))) {
                    selected.add(m);
                }
            }
            List<Candidate> active = selected.stream().filter(m -> m.status() == RelationshipStatus.ACTIVE)
                    .map(m -> new Candidate(m.userId(), m.externalUserId())).toList();
            Map<Candidate, Integer> days = claim(chain, run, active, chain.source() instanceof ChainSource.Added);
            boolean whole = true;
            Set<Member> chosen = Set.copyOf(selected);
            for (Member m : page.members()) {
                if (chosen.contains(m) && m.status() == RelationshipStatus.LOST) {
                    tally.lost++;
                } else if (chosen.contains(m) && m.status() == RelationshipStatus.PENDING) {
                    tally.pending++;
                } else if (chosen.contains(m) && !tally.offer(filler, new Candidate(m.userId(), m.externalUserId()), days)) {
                    whole = false; // no room in this commit: the next one starts with this member
                    break;
                }
                position = m.position();
            }
            exhausted = whole && page.next() == null;
            if (whole && page.next() != null) {
                position = page.next();
            }
        }
        // Deferred recipients are stored before the commit: a commit that never happens leaves them
        // (and their claims) to the same run, which writes the same items when the chain retries.
        tally.deferrals.forEach((bucket, list) -> claims.defer(run.id(), bucket, list));
        boolean done = exhausted && filler.sealAll();
        List<DispatchHead> sealed = filler.sealed();
        RunCounters delta = new RunCounters(filler.accepted(), 0, 0, tally.lost, tally.pending, 0, 0, done ? 1 : 0, sealed.size(), 0,
                tally.skipped, tally.deferred, tally.resolved);
        Chain next = new Chain(chain.key(), chain.run(), chain.source(), chain.seq() + 1, position, done, filler.open(),
                sealed.stream().map(DispatchHead::key).toList());
        return new ChainCommit(chain.seq(), next, filler.pages(), sealed, delta, tally.days(filler.accepted()));
    }

    /** A recipient of one sender. */
    private record Candidate(String sender, String id) {}

    /**
     * Claims the candidates' day; for journeys, the refused ones' next days up to the bound. The
     * answer maps each candidate to the number of days it moves (0: its own day), or to -1 when
     * it holds no day (skipped).
     */
    private Map<Candidate, Integer> claim(Chain chain, Run run, List<Candidate> candidates, boolean defer) {
        LocalDate day = day(chain);
        Map<Candidate, Integer> out = new HashMap<>();
        List<Candidate> open = candidates;
        for (int k = 0; k <= (defer ? maxDeferDays : 0) && !open.isEmpty(); k++) {
            LocalDate d = day.plusDays(k);
            List<Claim> wanted = open.stream().map(c -> new Claim(run.chatType(), c.id(), d, DailyClaims.owner(run.id(), c.sender()))).toList();
            List<Boolean> held = claims.claim(run.id().corpId(), wanted);
            List<Candidate> refused = new ArrayList<>();
            for (int i = 0; i < open.size(); i++) {
                if (held.get(i)) {
                    out.put(open.get(i), k);
                } else {
                    refused.add(open.get(i));
                }
            }
            open = refused;
        }
        open.forEach(c -> out.put(c, -1));
        return out;
    }

    /** The local day a chain's recipients are claimed on: its run's minute, or its fire minute. */
    private static LocalDate day(Chain chain) {
        if (chain.source() instanceof ChainSource.Added a) {
            return SopTime.localDate(a.bucket());
        }
        if (chain.source() instanceof ChainSource.Deferred d) {
            return SopTime.localDate(d.bucket());
        }
        return LocalDateTime.parse(chain.run().occurrence()).toLocalDate();
    }

    /** What one commit decided, besides the dispatches. */
    private static final class Tally {
        final LocalDate day;
        final Instant bucket;
        long lost;
        long pending;
        long skipped;
        long deferred;
        long resolved;
        final Map<Instant, List<Deferral>> deferrals = new LinkedHashMap<>();
        final Map<LocalDate, DayCounters> days = new HashMap<>();

        /** @param bucket the fire minute of a journey chain (deferrals keep its local time of day), else null */
        Tally(LocalDate day, Instant bucket) {
            this.day = day;
            this.bucket = bucket;
        }

        /** False when the filler has no room left in this commit (nothing counted then). */
        boolean offer(DispatchFiller filler, Candidate c, Map<Candidate, Integer> claimed) {
            int moved = claimed.getOrDefault(c, -1);
            if (moved == 0) {
                return filler.offer(c.sender(), c.id());
            }
            if (moved < 0) {
                skipped++;
                add(day, new DayCounters(0, 0, 0, 1));
                return true;
            }
            deferred++;
            LocalDate target = day.plusDays(moved);
            Instant to = SopTime.instant(SopTime.local(bucket).plusDays(moved));
            deferrals.computeIfAbsent(to, b -> new ArrayList<>()).add(new Deferral(c.sender(), c.id()));
            add(day, new DayCounters(0, 0, 1, 0));
            add(target, new DayCounters(0, 1, 0, 0));
            return true;
        }

        void add(LocalDate d, DayCounters c) {
            days.merge(d, c, DayCounters::plus);
        }

        Map<LocalDate, DayCounters> days(long planned) {
            if (planned > 0) {
                add(day, new DayCounters(planned, 0, 0, 0));
            }
            return days;
        }
    }

    private Page page(Chain chain, String position) {
        String corpId = chain.run().corpId();
        if (chain.source() instanceof ChainSource.Staff staff) {
            return audience.staffCustomers(corpId, staff.userId(), position, batchSize);
        }
        ChainSource.Added added = (ChainSource.Added) chain.source();
        return audience.addedBetween(corpId, added.day(), added.from(), added.to(), position, batchSize);
    }

    /** The page's segments when the audience filters on them (one batched read per page). */
    private Map<String, CustomerSegments.Segment> segmentsOf(Run run, Page page) {
        if (!run.audience().needsSegments()) {
            return Map.of();
        }
        return segments.segments(run.id().corpId(), page.members().stream().map(Member::externalUserId).toList());
    }

    private static List<String> chatsOf(Run run, String sender) {
        Set<String> chats = new LinkedHashSet<>();
        for (GroupTarget g : run.audience().groupChats()) {
            if (g.sender().equals(sender)) {
                chats.addAll(g.chatIds());
            }
        }
        return List.copyOf(chats);
    }
}
