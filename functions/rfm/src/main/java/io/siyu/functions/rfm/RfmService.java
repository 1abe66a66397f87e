package io.siyu.functions.rfm;

import io.siyu.core.contacts.ContactDirectory;
import io.siyu.core.events.DomainEvent;
import io.siyu.core.events.RfmSegmentChanged;
import io.siyu.core.orders.CustomerRef;
import io.siyu.core.orders.OrderRepository;
import io.siyu.core.ports.EventPublisher;
import io.siyu.core.rfm.ContactFacts;
import io.siyu.core.rfm.Contribution;
import io.siyu.core.rfm.RfmProfile;
import io.siyu.core.rfm.RfmRepository;
import io.siyu.core.rfm.RfmRepository.Change;
import io.siyu.core.rfm.RfmRepository.Commit;
import io.siyu.core.rfm.RfmRules;
import io.siyu.core.rfm.RfmState;
import io.siyu.core.rfm.RfmThresholds;
import io.siyu.core.rfm.RfmTotals;
import io.siyu.core.rfm.RfmTransition;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Incremental RFM without Lambda (docs/rfm.md). For each order change, the customer's totals move
 * by the difference between the order's old and new contribution, the standing is recomputed, and
 * record, history, distribution counters and a once-marker keyed by the stream record's id commit
 * in one transaction: a redelivered record finds its marker and changes nothing. Afterwards each
 * touched customer is settled: WeCom tags follow the segment and stage, transitions go to the bus.
 */
final class RfmService {

    /** Attempts at one record when other shards keep changing the same customer meanwhile. */
    static final int MAX_ATTEMPTS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(RfmService.class);

    private final String corpId;
    private final RfmRepository repository;
    private final OrderRepository orders;
    private final ContactDirectory contacts;
    private final RfmTags tags;
    private final EventPublisher publisher;
    private final Clock clock;

    RfmService(String corpId, RfmRepository repository, OrderRepository orders, ContactDirectory contacts, RfmTags tags,
               EventPublisher publisher, Clock clock) {
        this.corpId = corpId;
        this.repository = repository;
        this.orders = orders;
        this.contacts = contacts;
        this.tags = tags;
        this.publisher = publisher;
        this.clock = clock;
    }

    /** What a batch or a daily run did, for logs, metrics and the benchmark. */
    static final class Counts {
        int records;
        int applied;
        int duplicates;
        int unchanged;
        int transitions;
        int tagCalls;
        int published;
        int rescored;
        int ordersMoved;

        @Override
        public String toString() {
            return "records=" + records + " applied=" + applied + " duplicates=" + duplicates + " unchanged=" + unchanged
                    + " transitions=" + transitions + " tagCalls=" + tagCalls + " published=" + published
                    + " rescored=" + rescored + " ordersMoved=" + ordersMoved;
        }
    }

    /** The state of one invocation: the scoring day and thresholds are read once, records last written kept. */
    private final class Run {
        final Instant now = clock.instant();
        final LocalDate today;
        final RfmThresholds thresholds = repository.thresholds(corpId);
        final Map<CustomerRef, RfmState> written = new HashMap<>();
        /** Transitions committed in this run, by version: settling needs not read them back. */
        final Map<CustomerRef, Map<Long, RfmTransition>> committed = new HashMap<>();
        final Counts counts = new Counts();

        Run(LocalDate today) {
            this.today = today;
        }
    }

    /** The outcome of a batch: the index of the first change to deliver again, or -1 when all are done. */
    record BatchOutcome(int retryFrom, Counts counts) {}

    BatchOutcome applyBatch(List<OrderChange> changes) {
        Run run = new Run(RfmRules.localDay(clock.instant()));
        // The first change that touched each customer: if settling them fails, redelivery starts there.
        Map<CustomerRef, Integer> touched = new LinkedHashMap<>();
        int retryFrom = -1;
        for (int i = 0; i < changes.size(); i++) {
            run.counts.records++;
            try {
                for (CustomerRef c : apply(changes.get(i), run)) {
                    touched.putIfAbsent(c, i);
                }
            } catch (RuntimeException e) {
                LOG.error("rfm change failed, redelivering from it: eventId={} orderId={}", changes.get(i).eventId(),
                        changes.get(i).orderId(), e);
                retryFrom = i;
                break;
            }
        }
        for (Map.Entry<CustomerRef, Integer> t : touched.entrySet()) {
            try {
                settle(t.getKey(), run);
            } catch (RuntimeException e) {
                LOG.error("rfm settle failed (tags or events), redelivering: customer={}", t.getKey(), e);
                retryFrom = retryFrom < 0 ? t.getValue() : Math.min(retryFrom, t.getValue());
            }
        }
        return new BatchOutcome(retryFrom, run.counts);
    }

    /** Applies one change exactly once; returns the customers it concerns (to be settled, also after a redelivery). */
    private Set<CustomerRef> apply(OrderChange change, Run run) {
        Optional<Contribution> before = Contribution.of(change.before());
        Optional<Contribution> after = Contribution.of(change.after());
        if (before.equals(after)) {
            run.counts.unchanged++;
            return Set.of(); // cancelled -> refunded, a resend of the same version, ...: nothing counts differently
        }
        Set<CustomerRef> customers = new LinkedHashSet<>();
        before.ifPresent(c -> customers.add(c.customer()));
        after.ifPresent(c -> customers.add(c.customer()));
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            List<Change> writes = new ArrayList<>();
            for (CustomerRef c : customers) {
                RfmState state = repository.state(corpId, c).orElse(RfmState.empty(c));
                RfmTotals totals = state.totalsAfter(before, after, () -> orders.latestPaidAt(corpId, c, change.orderId()));
                Optional<RfmProfile> profile = RfmRules.evaluate(totals, contactFacts(c), run.thresholds, run.today);
                state.next(totals, profile, run.today, run.now, RfmTransition.Reason.ORDER)
                        .ifPresent(n -> writes.add(new Change(state, n.state(), n.transition())));
            }
            if (writes.isEmpty()) {
                run.counts.unchanged++;
                return customers;
            }
            Commit commit = repository.commit(corpId, onceKey(change), writes, run.now);
            if (commit == Commit.APPLIED) {
                run.counts.applied++;
                for (Change w : writes) {
                    run.written.put(w.after().customer(), w.after());
                    if (w.transition() != null) {
                        run.counts.transitions++;
                        run.committed.computeIfAbsent(w.after().customer(), k -> new HashMap<>()).put(w.transition().version(), w.transition());
                    }
                }
                return customers;
            }
            if (commit == Commit.ALREADY_APPLIED) {
                run.counts.duplicates++;
                LOG.info("rfm change already applied (redelivery): eventId={}", change.eventId());
                customers.forEach(run.written::remove);
                return customers;
            }
            LOG.info("rfm customer changed meanwhile, reading again: eventId={} attempt={}", change.eventId(), attempt);
        }
        throw new IllegalStateException("customer records kept changing under change " + change.eventId());
    }

    private String onceKey(OrderChange change) {
        return corpId + "#rfm#" + change.eventId();
    }

    private ContactFacts contactFacts(CustomerRef c) {
        return c.isExternalUser() ? ContactFacts.of(contacts.customer(corpId, c.id())) : ContactFacts.UNKNOWN;
    }

    /**
     * Carries a customer's standing out: tags when WeCom does not have them yet, pending
     * transitions to the bus, then records both, if the record did not move meanwhile. When it
     * did after tags were marked, the tags are marked again from the newer record, whatever it
     * says it has (another settle may have raced this one).
     */
    private void settle(CustomerRef customer, Run run) {
        RfmState state = run.written.containsKey(customer) ? run.written.get(customer)
                : repository.state(corpId, customer).orElse(null);
        boolean forceTags = false;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            if (state == null || (state.settled() && !forceTags)) {
                return;
            }
            boolean marked = false;
            if (customer.isExternalUser() && (forceTags || state.tagsBehind())) {
                run.counts.tagCalls += tags.apply(customer.id(), state, forceTags);
                marked = true;
            }
            if (!state.pendingEvents().isEmpty()) {
                List<DomainEvent> events = new ArrayList<>();
                for (RfmTransition t : pending(customer, state, run)) {
                    events.add(RfmSegmentChanged.of(corpId, customer, t));
                }
                publisher.publish(events);
                run.counts.published += events.size();
            }
            if (repository.settle(corpId, state, run.now)) {
                run.written.remove(customer);
                return;
            }
            forceTags = forceTags || marked;
            state = repository.state(corpId, customer).orElse(null);
        }
        throw new IllegalStateException("customer record kept changing while settling " + customer);
    }

    /** The record's pending transitions: those committed in this run from memory, the rest (a redelivery's) from the history. */
    private List<RfmTransition> pending(CustomerRef customer, RfmState state, Run run) {
        Map<Long, RfmTransition> known = run.committed.getOrDefault(customer, Map.of());
        if (known.keySet().containsAll(state.pendingEvents())) {
            return state.pendingEvents().stream().map(known::get).toList();
        }
        return repository.transitions(corpId, customer, state.pendingEvents());
    }

    /**
     * The daily job (docs/rfm.md, "Recency decay"): joins customers known only by unionid to the
     * contact that now has it, then re-scores the customers whose next boundary is today (or, to
     * catch up after missed runs, one of the {@code catchUpDays} days before), while time is left.
     */
    Counts daily(LocalDate today, int catchUpDays, BooleanSupplier timeLeft) {
        Run run = new Run(today);
        for (CustomerRef unresolved : repository.unresolved(corpId)) {
            if (!timeLeft.getAsBoolean()) {
                return run.counts;
            }
            var contact = contacts.customerByUnionId(corpId, unresolved.id());
            if (contact.isPresent()) {
                int moved = orders.moveCustomer(corpId, unresolved, CustomerRef.externalUser(contact.get().externalUserId()));
                run.counts.ordersMoved += moved;
                LOG.info("rfm unionid joined: unionId={} externalUserId={} orders={}", unresolved.id(),
                        contact.get().externalUserId(), moved);
            }
        }
        for (LocalDate day = today.minusDays(catchUpDays); !day.isAfter(today); day = day.plusDays(1)) {
            for (CustomerRef c : repository.dueOn(corpId, day)) {
                if (!timeLeft.getAsBoolean()) {
                    return run.counts; // the rest stay in the index and are caught up by the next run
                }
                run.counts.records++;
                rescore(c, run);
                settle(c, run);
            }
        }
        return run.counts;
    }

    private void rescore(CustomerRef c, Run run) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            RfmState state = repository.state(corpId, c).orElse(null);
            if (state == null || state.profile() == null || state.profile().nextBoundary() == null
                    || state.profile().nextBoundary().isAfter(run.today)) {
                return; // re-scored since the index listed it (the index lags the table)
            }
            Optional<RfmProfile> profile = RfmRules.evaluate(state.totals(), contactFacts(c), run.thresholds, run.today);
            Optional<RfmState.Next> next = state.next(state.totals(), profile, run.today, run.now, RfmTransition.Reason.RECENCY);
            if (next.isEmpty()) {
                return;
            }
            Commit commit = repository.commit(corpId, null, List.of(new Change(state, next.get().state(), next.get().transition())),
                    run.now);
            if (commit == Commit.APPLIED) {
                run.counts.rescored++;
                run.written.put(c, next.get().state());
                RfmTransition t = next.get().transition();
                if (t != null) {
                    run.counts.transitions++;
                    run.committed.computeIfAbsent(c, k -> new HashMap<>()).put(t.version(), t);
                }
                return;
            }
        }
        throw new IllegalStateException("customer record kept changing while re-scoring " + c);
    }
}
