package io.siyu.core.rfm;

import io.siyu.core.orders.CustomerRef;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One customer's RFM record as stored: totals, the standing computed from them, and what has
 * been carried out to WeCom and the bus. Every write bumps {@code version} (optimistic locking:
 * orders of one customer arrive on different stream shards at the same time).
 *
 * @param profile null when the customer has no paid order
 * @param scoredOn the local day the profile was computed for
 * @param taggedSegment the segment whose WeCom tag was last applied (null: none)
 * @param taggedStage the stage whose WeCom tag was last applied (null: none)
 * @param pendingEvents versions of transitions not yet published to the bus (an outbox)
 * @param version 0 for a customer not stored yet
 */
public record RfmState(CustomerRef customer, RfmTotals totals, RfmProfile profile, LocalDate scoredOn,
                       Segment taggedSegment, LifecycleStage taggedStage, List<Long> pendingEvents, long version) {

    public RfmState {
        Objects.requireNonNull(customer, "customer");
        Objects.requireNonNull(totals, "totals");
        pendingEvents = List.copyOf(pendingEvents);
    }

    public static RfmState empty(CustomerRef customer) {
        return new RfmState(customer, RfmTotals.NONE, null, null, null, null, List.of(), 0);
    }

    /** The state after one more transition of a record, and the transition when segment or stage changed. */
    public record Next(RfmState state, RfmTransition transition) {}

    public Segment segment() {
        return profile == null ? null : profile.segment();
    }

    public LifecycleStage stage() {
        return profile == null ? null : profile.stage();
    }

    /** WeCom does not carry the current segment and stage tags yet. */
    public boolean tagsBehind() {
        return taggedSegment != segment() || taggedStage != stage();
    }

    /** Nothing is left to carry out: tags applied, transitions published. */
    public boolean settled() {
        return !tagsBehind() && pendingEvents.isEmpty();
    }

    /**
     * The totals after one order's contribution to this customer changed from {@code before} to
     * {@code after} (either may be absent, or belong to another customer). The last paid time is
     * kept by max; when the latest paid order stops counting (refunded, cancelled, deleted, moved
     * to another customer or paid earlier), {@code latestOtherPaidAt} is asked for the latest
     * paid time among the customer's other orders.
     */
    public RfmTotals totalsAfter(Optional<Contribution> before, Optional<Contribution> after,
                                 Supplier<Optional<Instant>> latestOtherPaidAt) {
        Contribution out = before.filter(c -> c.isFor(customer)).orElse(null);
        Contribution in = after.filter(c -> c.isFor(customer)).orElse(null);
        long orders = totals.paidOrders() - (out == null ? 0 : 1) + (in == null ? 0 : 1);
        long fen = totals.paidFen() - (out == null ? 0 : out.netFen()) + (in == null ? 0 : in.netFen());
        if (orders <= 0) {
            return new RfmTotals(orders, fen, null);
        }
        Instant last = totals.lastPaidAt();
        boolean latestLeft = out != null && out.paidAt().equals(last)
                && (in == null || in.paidAt().isBefore(out.paidAt()));
        // last is null with orders left only when an earlier look-up found nothing yet (index lag): look again.
        if (latestLeft || (last == null && totals.paidOrders() > 0)) {
            last = latestOtherPaidAt.get().orElse(null);
        }
        if (in != null && (last == null || in.paidAt().isAfter(last))) {
            last = in.paidAt();
        }
        return new RfmTotals(orders, fen, last);
    }

    /**
     * This state with new totals and standing. Returns empty when nothing that is stored would
     * change (no write needed). A change of segment or stage becomes a transition, queued for
     * publication with the new version.
     */
    public Optional<Next> next(RfmTotals newTotals, Optional<RfmProfile> newProfile, LocalDate today, Instant now,
                               RfmTransition.Reason reason) {
        RfmProfile p = newProfile.orElse(null);
        if (newTotals.equals(totals) && Objects.equals(p, profile)) {
            return Optional.empty();
        }
        long nextVersion = version + 1;
        Segment toSegment = p == null ? null : p.segment();
        LifecycleStage toStage = p == null ? null : p.stage();
        RfmTransition transition = null;
        List<Long> pending = pendingEvents;
        if (toSegment != segment() || toStage != stage()) {
            transition = new RfmTransition(nextVersion, now, segment(), toSegment, stage(), toStage,
                    p == null ? null : p.scores(), reason);
            pending = new ArrayList<>(pendingEvents);
            pending.add(nextVersion);
        }
        return Optional.of(new Next(new RfmState(customer, newTotals, p, p == null ? null : today, taggedSegment,
                taggedStage, pending, nextVersion), transition));
    }

    /** This state once its tags are applied and its pending transitions published. */
    public RfmState settledState() {
        return new RfmState(customer, totals, profile, scoredOn, segment(), stage(), List.of(), version + 1);
    }
}
