package io.siyu.core.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.core.contacts.ContactFact.Kind;
import io.siyu.core.events.ContactRemoved.RemovedBy;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ContactHistoryTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final Instant T0 = Instant.parse("2026-11-01T02:00:00Z"); // 10:00 in Shanghai

    private static ContactFact add(String id, Instant at, String staff, String state) {
        return new ContactFact(id, at, Kind.ADD, staff, state, null);
    }

    private static ContactFact remove(String id, Instant at, String staff, RemovedBy by) {
        return new ContactFact(id, at, Kind.REMOVE, staff, null, by);
    }

    private static ContactHistory history(ContactFact... facts) {
        return new ContactHistory("ww1", "wm1", SHANGHAI, List.of(facts));
    }

    private static Instant days(double d) {
        return T0.plus(Duration.ofMinutes((long) (d * 24 * 60)));
    }

    @Test
    void aFirstAddMakesANewCustomerOfItsChannel() {
        ContactHistory h = history(add("e1", T0, "zhang", "ch_store1"));
        assertThat(h.contributions()).containsOnly(
                Map.entry("store1|2026-11-01|ADDS", 1L), Map.entry("store1|2026-11-01|NEW_CUSTOMERS", 1L),
                Map.entry("store1|2026-11-01|COHORT", 1L), Map.entry("store1|2026-11-01|RETAINED_D1", 1L),
                Map.entry("store1|2026-11-01|RETAINED_D7", 1L), Map.entry("store1|2026-11-01|RETAINED_D30", 1L));
        Relationship r = h.relationships().get("zhang");
        assertThat(r.status()).isEqualTo(RelationshipStatus.ACTIVE);
        assertThat(r.channelId()).isEqualTo("store1");
        assertThat(h.customer().firstChannelId()).isEqualTo("store1");
        assertThat(h.customer().activeRelationships()).isEqualTo(1);
    }

    @Test
    void aRemovalThatArrivesFirstIsLostAndCountsNothingUntilItsAddArrives() {
        ContactFact added = add("e1", T0, "zhang", "ch_store1");
        ContactFact removed = remove("e2", days(3), "zhang", RemovedBy.CUSTOMER);
        ContactHistory removalOnly = history(removed);
        assertThat(removalOnly.relationships().get("zhang").status()).isEqualTo(RelationshipStatus.LOST);
        assertThat(removalOnly.contributions()).isEmpty();

        ContactHistory both = removalOnly.with(added);
        assertThat(both.relationships().get("zhang").status()).isEqualTo(RelationshipStatus.LOST);
        assertThat(both.relationships().get("zhang").lostBy()).isEqualTo(RemovedBy.CUSTOMER);
        assertThat(both.contributions()).containsEntry("store1|2026-11-01|NEW_CUSTOMERS", 1L)
                .containsEntry("store1|2026-11-04|LOST_BY_CUSTOMER", 1L)
                .containsEntry("store1|2026-11-01|RETAINED_D1", 1L)
                .doesNotContainKey("store1|2026-11-01|RETAINED_D7");
        assertThat(both.contributions()).isEqualTo(history(added, removed).contributions());
    }

    @Test
    void aReAddAfterDeletingIsAReturnToTheFirstTouchChannel() {
        ContactHistory h = history(add("e1", T0, "zhang", "ch_store1"),
                remove("e2", days(2), "zhang", RemovedBy.STAFF),
                add("e3", days(5), "zhang", "ch_live"));
        assertThat(h.contributions()).containsEntry("store1|2026-11-01|NEW_CUSTOMERS", 1L)
                .containsEntry("store1|2026-11-03|LOST_BY_STAFF", 1L)
                .containsEntry("store1|2026-11-06|RETURNING", 1L)
                .containsEntry("live|2026-11-06|ADDS", 1L)
                .containsEntry("store1|2026-11-01|RETAINED_D7", 1L) // back by day 7
                .doesNotContainKey("live|2026-11-06|NEW_CUSTOMERS");
        assertThat(h.customer().firstChannelId()).isEqualTo("store1");
        assertThat(h.relationships().get("zhang").addCount()).isEqualTo(2);
        assertThat(h.relationships().get("zhang").channelId()).isEqualTo("live");
    }

    @Test
    void aSecondStaffMemberIsAnAddButNotANewCustomer() {
        ContactHistory h = history(add("e1", T0, "zhang", "ch_store1"), add("e2", days(1), "li", "ch_store2"));
        assertThat(h.contributions()).containsEntry("store2|2026-11-02|ADDS", 1L)
                .doesNotContainKey("store2|2026-11-02|NEW_CUSTOMERS").doesNotContainKey("store1|2026-11-02|RETURNING");
        assertThat(h.customer().activeRelationships()).isEqualTo(2);
    }

    @Test
    void losingOneOfTwoStaffMembersIsNotALoss() {
        ContactHistory h = history(add("e1", T0, "zhang", "ch_store1"), add("e2", days(1), "li", null),
                remove("e3", days(2), "zhang", RemovedBy.CUSTOMER));
        assertThat(h.contributions().keySet()).noneMatch(k -> k.contains("LOST"));
        assertThat(h.customer().activeRelationships()).isEqualTo(1);
        assertThat(h.customer().isContact()).isTrue();
    }

    @Test
    void aHalfAddAndItsConfirmationAreOneArrival() {
        ContactHistory h = history(new ContactFact("e1", T0, Kind.HALF_ADD, "zhang", "ch_store1", null),
                add("e2", days(0.01), "zhang", "ch_store1"));
        assertThat(h.contributions()).containsEntry("store1|2026-11-01|ADDS", 1L).containsEntry("store1|2026-11-01|NEW_CUSTOMERS", 1L);
        assertThat(h.relationships().get("zhang").status()).isEqualTo(RelationshipStatus.ACTIVE);
        assertThat(h.relationships().get("zhang").addedAt()).isEqualTo(T0);
        assertThat(history(new ContactFact("e1", T0, Kind.HALF_ADD, "zhang", "ch_store1", null))
                .relationships().get("zhang").status()).isEqualTo(RelationshipStatus.PENDING);
    }

    @Test
    void anAddAndARemovalInTheSameSecondEndLost() {
        ContactHistory h = history(remove("e0", T0, "zhang", RemovedBy.CUSTOMER), add("e9", T0, "zhang", "ch_store1"));
        assertThat(h.relationships().get("zhang").status()).isEqualTo(RelationshipStatus.LOST);
    }

    @Test
    void statesOfOtherFeaturesAndNoStateGoToTheirBuckets() {
        assertThat(history(add("e1", T0, "zhang", null)).contributions()).containsKey("_unattributed|2026-11-01|NEW_CUSTOMERS");
        assertThat(history(add("e1", T0, "zhang", "poster-2019")).contributions()).containsKey("_unattributed|2026-11-01|NEW_CUSTOMERS");
        assertThat(history(add("e1", T0, "zhang", "rf_abc_def")).contributions()).containsKey("_referral|2026-11-01|NEW_CUSTOMERS");
        assertThat(history(add("e1", T0, "zhang", "poster-2019")).customer().firstState()).isEqualTo("poster-2019");
        assertThat(history(add("e1", T0, "zhang", null)).customer().firstChannelId()).isNull();
    }

    @Test
    void daysAreShanghaiDays() {
        Instant lateUtc = Instant.parse("2026-11-01T17:30:00Z"); // 01:30 on Nov 2 in Shanghai
        assertThat(history(add("e1", lateUtc, "zhang", "ch_a")).contributions()).containsKey("a|2026-11-02|NEW_CUSTOMERS");
    }

    @Test
    void differenceKeepsOnlyChanges() {
        assertThat(ContactHistory.difference(Map.of("a", 1L, "b", 2L), Map.of("b", 2L, "c", 1L)))
                .containsOnly(Map.entry("a", -1L), Map.entry("c", 1L));
    }

    /** Whatever order the facts come in, with repeats, the derived state and counters are the same. */
    @Property(tries = 300)
    void derivationDependsOnlyOnTheSetOfFacts(@ForAll long seed) {
        Random random = new Random(seed);
        List<ContactFact> facts = new ArrayList<>();
        String[] staff = {"a", "b", "c"};
        String[] states = {"ch_x", "ch_y", null, "rf_q"};
        for (int i = 0; i < 1 + random.nextInt(8); i++) {
            Instant at = days(random.nextInt(40) + random.nextDouble());
            String s = staff[random.nextInt(staff.length)];
            facts.add(random.nextBoolean() ? add("e" + i, at, s, states[random.nextInt(states.length)])
                    : remove("e" + i, at, s, random.nextBoolean() ? RemovedBy.CUSTOMER : RemovedBy.STAFF));
        }
        ContactHistory ordered = new ContactHistory("ww1", "wm1", SHANGHAI, facts);
        List<ContactFact> shuffled = new ArrayList<>(facts);
        shuffled.addAll(facts.subList(0, random.nextInt(facts.size() + 1)));
        Collections.shuffle(shuffled, random);
        ContactHistory built = new ContactHistory("ww1", "wm1", SHANGHAI, List.of());
        for (ContactFact f : shuffled) {
            if (!built.contains(f.eventId())) {
                built = built.with(f);
            }
        }
        assertThat(built.contributions()).isEqualTo(ordered.contributions());
        assertThat(built.relationships()).isEqualTo(ordered.relationships());
        assertThat(built.customer()).isEqualTo(ordered.customer());
    }
}
