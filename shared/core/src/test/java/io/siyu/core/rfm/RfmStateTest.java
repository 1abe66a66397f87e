package io.siyu.core.rfm;

import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.core.orders.CustomerRef;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** How one order's change moves a customer's totals, and when the paid-orders index is asked. */
class RfmStateTest {

    private static final CustomerRef ALICE = CustomerRef.externalUser("wmAlice");
    private static final CustomerRef BOB = CustomerRef.externalUser("wmBob");
    private static final Instant T1 = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant T2 = Instant.parse("2026-11-10T00:00:00Z");
    private static final Instant T3 = Instant.parse("2026-11-20T00:00:00Z");

    private final AtomicInteger lookups = new AtomicInteger();

    private Supplier<Optional<Instant>> index(Instant latestOther) {
        return () -> {
            lookups.incrementAndGet();
            return Optional.ofNullable(latestOther);
        };
    }

    private static RfmState alice(long orders, long fen, Instant last) {
        return new RfmState(ALICE, new RfmTotals(orders, fen, last), null, null, null, null, List.of(), 3);
    }

    private static Optional<Contribution> c(CustomerRef who, long fen, Instant paidAt) {
        return Optional.of(new Contribution(who, "O1", fen, paidAt));
    }

    @Test
    void aNewPaidOrderAddsWithoutLookingAnythingUp() {
        assertThat(RfmState.empty(ALICE).totalsAfter(Optional.empty(), c(ALICE, 500, T2), index(null)))
                .isEqualTo(new RfmTotals(1, 500, T2));
        assertThat(alice(2, 1000, T3).totalsAfter(Optional.empty(), c(ALICE, 500, T2), index(null)))
                .isEqualTo(new RfmTotals(3, 1500, T3));
        assertThat(lookups).hasValue(0);
    }

    @Test
    void refundingTheLatestOrderAsksTheIndexForThePreviousOne() {
        assertThat(alice(2, 1500, T3).totalsAfter(c(ALICE, 500, T3), Optional.empty(), index(T1)))
                .isEqualTo(new RfmTotals(1, 1000, T1));
        assertThat(lookups).hasValue(1);
    }

    @Test
    void refundingAnOlderOrderOrPartOfTheLatestNeedsNoLookup() {
        assertThat(alice(2, 1500, T3).totalsAfter(c(ALICE, 500, T1), Optional.empty(), index(null)))
                .isEqualTo(new RfmTotals(1, 1000, T3));
        assertThat(alice(2, 1500, T3).totalsAfter(c(ALICE, 500, T3), c(ALICE, 200, T3), index(null)))
                .isEqualTo(new RfmTotals(2, 1200, T3));
        assertThat(lookups).hasValue(0);
    }

    @Test
    void theLastOrderGoingLeavesNoLastPaidTime() {
        assertThat(alice(1, 500, T3).totalsAfter(c(ALICE, 500, T3), Optional.empty(), index(null)))
                .isEqualTo(new RfmTotals(0, 0, null));
        assertThat(lookups).hasValue(0);
    }

    @Test
    void theLatestOrderPaidEarlierNowFallsBackThenTakesTheMax() {
        assertThat(alice(2, 1500, T3).totalsAfter(c(ALICE, 500, T3), c(ALICE, 500, T1), index(T2)))
                .isEqualTo(new RfmTotals(2, 1500, T2));
    }

    @Test
    void anOrderMovingToAnotherCustomerLeavesOneAndJoinsTheOther() {
        Optional<Contribution> before = c(ALICE, 500, T3);
        Optional<Contribution> after = c(BOB, 500, T3);
        assertThat(alice(2, 1500, T3).totalsAfter(before, after, index(T1))).isEqualTo(new RfmTotals(1, 1000, T1));
        RfmState bob = RfmState.empty(BOB);
        assertThat(bob.totalsAfter(before, after, index(null))).isEqualTo(new RfmTotals(1, 500, T3));
    }

    @Test
    void aChangeOfSegmentOrStageIsATransitionQueuedForPublication() {
        RfmProfile p = new RfmProfile(3, new RfmScores(5, 1, 3), Segment.IMPORTANT_DEVELOP, LifecycleStage.GROWING, null);
        RfmState.Next next = RfmState.empty(ALICE).next(new RfmTotals(1, 500, T3), Optional.of(p), LocalDate.of(2026, 11, 23),
                T3, RfmTransition.Reason.ORDER).orElseThrow();
        assertThat(next.transition()).isEqualTo(new RfmTransition(1, T3, null, Segment.IMPORTANT_DEVELOP, null,
                LifecycleStage.GROWING, p.scores(), RfmTransition.Reason.ORDER));
        assertThat(next.state().pendingEvents()).containsExactly(1L);
        assertThat(next.state().tagsBehind()).isTrue();
        RfmState settled = next.state().settledState();
        assertThat(settled.settled()).isTrue();
        assertThat(settled.version()).isEqualTo(2);
        // The same totals and standing again: nothing to write.
        assertThat(settled.next(settled.totals(), Optional.of(p), LocalDate.of(2026, 11, 23), T3, RfmTransition.Reason.ORDER)).isEmpty();
    }
}
