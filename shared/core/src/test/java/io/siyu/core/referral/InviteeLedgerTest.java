package io.siyu.core.referral;

import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.core.referral.InviteeEntry.Kind;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class InviteeLedgerTest {

    static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
    static final Instant END = Instant.parse("2026-11-30T00:00:00Z");
    static final String ME = "wmInvitee";

    static Campaign campaign(boolean onlyNew) {
        return new Campaign("ww1", "k3v9x2pq", "c", CampaignKind.FRIEND, List.of("s1", "s2"), List.of(1), START, END,
                Duration.ZERO, onlyNew, null, CampaignStatus.ACTIVE, START, "op", 0);
    }

    static InviteeEntry enter(int hour, String staff, String inviter) {
        return new InviteeEntry(START.plus(Duration.ofHours(hour)), "e" + hour + staff, Kind.ENTER, staff, inviter, false);
    }

    static InviteeEntry exit(int hour, String staff) {
        return new InviteeEntry(START.plus(Duration.ofHours(hour)), "x" + hour + staff, Kind.EXIT, staff, null, false);
    }

    static InviteeOutcome derive(boolean onlyNew, InviteeEntry... log) {
        return InviteeLedger.derive(campaign(onlyNew), ME, List.of(log));
    }

    @Test
    void aCodeAddCreditsTheInviter() {
        InviteeOutcome o = derive(true, enter(1, "s1", "A"));
        assertThat(o.inviter()).isEqualTo("A");
        assertThat(o.contribution().count()).isEqualTo(1);
        assertThat(o.contribution().days()).containsEntry(LocalDate.parse("2026-11-20"), new DayCounts(1, 0, 0));
        assertThat(o.intervals()).containsExactly(new Interval(START.plus(Duration.ofHours(1)), null));
    }

    @Test
    void losingOneOfTwoStaffIsNoLossLosingBothIsAndComingBackReturns() {
        InviteeOutcome o = derive(true, enter(1, "s1", "A"), enter(2, "s2", null), exit(3, "s1"));
        assertThat(o.contribution().count()).isEqualTo(1);
        o = derive(true, enter(1, "s1", "A"), enter(2, "s2", null), exit(3, "s1"), exit(4, "s2"));
        assertThat(o.contribution()).extracting(Contribution::count, Contribution::losses).containsExactly(0L, 1L);
        o = derive(true, enter(1, "s1", "A"), exit(4, "s1"), enter(5, "s2", "B"));
        assertThat(o.inviter()).isEqualTo("A");
        assertThat(o.contribution()).extracting(Contribution::count, Contribution::losses, Contribution::returns)
                .containsExactly(1L, 1L, 1L);
    }

    @Test
    void selfInvitesExistingCustomersAndCodesOutsideTheWindowDoNotCredit() {
        assertThat(derive(true, enter(1, "s1", ME)).credited()).isFalse();
        assertThat(derive(false, enter(1, "s1", ME), enter(2, "s2", "A")).inviter()).isEqualTo("A");
        assertThat(derive(true, enter(1, "s1", ME), enter(2, "s2", "A")).credited()).as("already a contact").isFalse();
        assertThat(derive(true, enter(1, "s1", null), enter(2, "s2", "A")).credited()).isFalse();
        InviteeEntry known = new InviteeEntry(START.plusSeconds(60), "e", Kind.ENTER, "s1", "A", true);
        assertThat(InviteeLedger.derive(campaign(true), ME, List.of(known)).credited()).isFalse();
        assertThat(InviteeLedger.derive(campaign(false), ME, List.of(known)).credited()).isTrue();
        assertThat(derive(true, enter(-1, "s1", "A")).credited()).as("before the start").isFalse();
        assertThat(derive(true, enter(24 * 10, "s1", "A")).credited()).as("at the end").isFalse();
    }

    @Test
    void afterTheEndALossCountsButAReturnDoesNot() {
        int afterEnd = 24 * 10 + 1;
        InviteeOutcome o = derive(true, enter(1, "s1", "A"), exit(afterEnd, "s1"), enter(afterEnd + 1, "s1", null));
        assertThat(o.contribution()).extracting(Contribution::count, Contribution::losses, Contribution::returns)
                .containsExactly(0L, 1L, 0L);
    }

    /**
     * The heart of exact counting: however the entries of a log arrive (any order, duplicates),
     * the deltas applied one update at a time add up to the contribution of the whole log, for
     * every inviter.
     */
    @Property(tries = 500)
    void deltasOfAnyArrivalOrderAddUpToTheWholeLog(@ForAll("logs") List<InviteeEntry> log, @ForAll long seed,
                                                   @ForAll boolean onlyNew) {
        Campaign campaign = campaign(onlyNew);
        List<InviteeEntry> arrivals = new ArrayList<>(log);
        arrivals.addAll(log.subList(0, log.size() / 2)); // redeliveries
        Collections.shuffle(arrivals, new Random(seed));
        Map<String, Contribution> counters = new HashMap<>();
        InviteeRecord record = InviteeRecord.empty(ME);
        for (InviteeEntry e : arrivals) {
            InviteeUpdate u = InviteeUpdate.of(campaign, record, e);
            if (u == null) {
                continue;
            }
            u.inviters().forEach(c -> counters.merge(c.inviterExternalUserId(), c.delta(), Contribution::plus));
            record = u.next();
        }
        InviteeOutcome whole = InviteeLedger.derive(campaign, ME, log);
        assertThat(record.outcome()).isEqualTo(whole);
        counters.forEach((inviter, c) -> {
            if (inviter.equals(whole.inviter())) {
                assertThat(c).isEqualTo(whole.contribution());
            } else {
                assertThat(c.isZero()).as("nothing left with %s", inviter).isTrue();
            }
        });
    }

    @Provide
    Arbitrary<List<InviteeEntry>> logs() {
        Arbitrary<InviteeEntry> entry = Combinators.combine(
                Arbitraries.integers().between(-24, 24 * 12),
                Arbitraries.of(Kind.values()),
                Arbitraries.of("s1", "s2"),
                Arbitraries.of("A", "B", ME, null, null),
                Arbitraries.integers().between(0, 1_000_000)).as((hour, kind, staff, inviter, id) ->
                new InviteeEntry(START.plus(Duration.ofHours(hour)), "ev" + id, kind, staff,
                        kind == Kind.ENTER ? inviter : null, false));
        return entry.list().ofMinSize(1).ofMaxSize(12).uniqueElements(InviteeEntry::eventId);
    }
}
