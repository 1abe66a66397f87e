package io.siyu.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.core.rfm.LifecycleStage;
import io.siyu.core.rfm.Segment;
import io.siyu.local.demo.Scenario.Kind;
import io.siyu.local.demo.Scenario.LogicalEvent;
import io.siyu.local.demo.Scenario.OrderVersion;
import io.siyu.local.demo.Scenario.ReferralPlan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The demo's expectations on small hand-written histories, so that a rule written wrongly in
 * Expectations fails here, not only as a disagreement with the stack.
 */
class ExpectationsTest {

    static final Instant BASE = Instant.parse("2026-11-23T02:00:00Z");
    static final String INVITER = "wmInviter";
    static final ReferralPlan REFERRAL = new ReferralPlan("c", List.of(INVITER), BASE.minusSeconds(60), BASE.plus(Duration.ofDays(30)),
            3, 0);

    final List<LogicalEvent> events = new ArrayList<>();

    void event(Kind kind, int second, String customer, String staff, String inviter) {
        String state = inviter == null ? null : REFERRAL.placeholderState(inviter);
        events.add(new LogicalEvent(events.size(), kind, BASE.plusSeconds(second), customer, staff, state, inviter, null, null, ""));
    }

    Expectations expectations(List<OrderVersion> orders) {
        return Expectations.of(new Scenario(1, "test", BASE, List.of("s1", "s2"), List.of(), List.of(), List.of(), REFERRAL,
                List.copyOf(events), List.of(), orders));
    }

    @Test
    void anInviteeCountsUntilTheyLoseTheirLastStaffMemberAndAgainWhenTheyComeBack() {
        event(Kind.ADD_HALF, 1, "wmA", "s1", INVITER); // the half add is the invitee's first add
        event(Kind.ADD, 2, "wmA", "s1", INVITER);
        event(Kind.ADD, 3, "wmA", "s2", null);
        event(Kind.REMOVED_BY_CUSTOMER, 4, "wmA", "s1", null); // still has s2
        event(Kind.ADD, 5, "wmB", "s1", INVITER);
        event(Kind.REMOVED_BY_STAFF, 6, "wmA", "s2", null); // A's last: the count drops
        event(Kind.ADD, 7, "wmA", "s1", null); // back, without a code: counts again for the inviter

        Expectations.Inviter inviter = expectations(List.of()).inviters().get(INVITER);

        assertThat(inviter).isEqualTo(new Expectations.Inviter(2, 2, 2));
        assertThat(expectations(List.of()).funnels().get(Expectations.REFERRAL).newCustomers()).isEqualTo(2);
    }

    @Test
    void aCustomerBeforeTheCodeIsNotCreditedNorIsTheInviterThemself() {
        event(Kind.ADD, 1, "wmOld", "s1", null);
        event(Kind.ADD, 2, "wmOld", "s2", INVITER);
        event(Kind.ADD, 3, INVITER, "s1", INVITER);

        Expectations x = expectations(List.of());

        assertThat(x.inviters().get(INVITER)).isEqualTo(new Expectations.Inviter(0, 0, 0));
        // wmOld is a contact of s1 and s2: one mass message a day, so planned once.
        assertThat(x.sop()).isEqualTo(new Expectations.Sop(2, 0, 0, 1, 2));
    }

    @Test
    void theNewestVersionOfEachOrderCountsAndOnlyPaidOrdersScore() {
        event(Kind.ADD, 1, "wmA", "s1", null);
        Instant paid = BASE.minus(Duration.ofDays(10));
        List<OrderVersion> orders = List.of(
                new OrderVersion("o1", "wmA", 20_000, 0, "PAID", paid, paid, 0),
                new OrderVersion("o1", "wmA", 20_000, 20_000, "REFUNDED", paid, paid.plusSeconds(60), 1),
                new OrderVersion("o2", "wmA", 60_000, 10_000, "PARTIALLY_REFUNDED", paid, paid, 0),
                new OrderVersion("o3", "wmA", 90_000, 0, "CANCELLED", null, paid, 0),
                new OrderVersion("o4", "wmNone", 5_000, 5_000, "REFUNDED", paid, paid, 0));

        Expectations x = expectations(orders);

        // wmA: one paid order of 50,000 fen ten days ago (R 5, F 1, M 3), added today: 重要发展客户 in 引入期.
        assertThat(x.rfm().customers()).isEqualTo(1);
        assertThat(x.rfm().segments()).containsEntry(Segment.IMPORTANT_DEVELOP, 1);
        assertThat(x.rfm().stages()).containsEntry(LifecycleStage.NEW, 1);
        assertThat(x.orders()).isEqualTo(new Expectations.Orders(4, 1, 4));
        assertThat(x.rfm().segments().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(1);
    }

    @Test
    void boundStatesReplaceTheStandInsInEveryEventDeliveryAndCallback() {
        Scenario generated = Scenario.generate(20261123L, 40, "wwcorp", BASE);
        Map<String, String> states = Map.of(generated.referral().inviters().get(0), "rf_k3v9x2pq_7g2m0q8zta");

        Scenario bound = generated.withReferralStates(states);

        List<LogicalEvent> viaCode = bound.events().stream().filter(e -> e.inviter() != null && states.containsKey(e.inviter())).toList();
        assertThat(viaCode).isNotEmpty().allSatisfy(e -> {
            assertThat(e.state()).isEqualTo("rf_k3v9x2pq_7g2m0q8zta");
            assertThat(e.xml()).contains("<State><![CDATA[rf_k3v9x2pq_7g2m0q8zta]]></State>").doesNotContain("rf_demo_inviter_");
        });
        assertThat(bound.deliveries()).allSatisfy(d -> assertThat(bound.events()).contains(d.event()));
        assertThat(Expectations.of(bound)).isEqualTo(Expectations.of(generated));
    }
}
