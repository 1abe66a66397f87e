package io.siyu.core.referral;

import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.core.referral.InviterEvaluation.Confirmation;
import io.siyu.core.referral.InviterEvaluation.PendingHold;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InviterEvaluationTest {

    static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
    static final Instant END = Instant.parse("2026-11-30T00:00:00Z");
    static final Instant LATER = Instant.parse("2027-01-01T00:00:00Z");

    static Campaign campaign(Duration hold, Integer... tiers) {
        return new Campaign("ww1", "k3v9x2pq", "c", CampaignKind.FRIEND, List.of("s1"), List.of(tiers), START, END,
                hold, true, "gift", CampaignStatus.ACTIVE, START, "op", 0);
    }

    static Instant h(int hours) {
        return START.plus(Duration.ofHours(hours));
    }

    static Interval i(int from, Integer to) {
        return new Interval(h(from), to == null ? null : h(to));
    }

    @Test
    void withoutAHoldATierCompletesWhenReachedEvenIfTheCountDropsLater() {
        InviterEvaluation e = InviterEvaluation.evaluate(campaign(Duration.ZERO, 2), List.of(i(1, 3), i(2, null)), Set.of(), LATER);
        assertThat(e.count()).isEqualTo(1);
        assertThat(e.peak()).isEqualTo(2);
        assertThat(e.confirmations()).containsExactly(new Confirmation(2, h(2), h(2)));
    }

    @Test
    void aHoldNeedsTheCountToStayAtTheTierForTheWholeHold() {
        Campaign c = campaign(Duration.ofHours(24), 2);
        // reached at 2, dropped at 10: too short; reached again at 20 and kept
        List<Interval> timeline = List.of(i(1, null), i(2, 10), i(20, null));
        InviterEvaluation e = InviterEvaluation.evaluate(c, timeline, Set.of(), LATER);
        assertThat(e.confirmations()).containsExactly(new Confirmation(2, h(20), h(44)));
        InviterEvaluation early = InviterEvaluation.evaluate(c, timeline, Set.of(), h(30));
        assertThat(early.confirmations()).isEmpty();
        assertThat(early.pending()).containsExactly(new PendingHold(2, h(20), h(44)));
        assertThat(early.nextCompletion()).isEqualTo(h(44));
    }

    @Test
    void aDropExactlyAtTheEndOfTheHoldStillCompletesIt() {
        InviterEvaluation e = InviterEvaluation.evaluate(campaign(Duration.ofHours(5), 1), List.of(i(1, 6)), Set.of(), LATER);
        assertThat(e.confirmations()).containsExactly(new Confirmation(1, h(1), h(6)));
        e = InviterEvaluation.evaluate(campaign(Duration.ofHours(5), 1), List.of(i(1, 5)), Set.of(), LATER);
        assertThat(e.confirmations()).isEmpty();
        assertThat(e.pending()).isEmpty();
    }

    @Test
    void runsMustStartBeforeTheEndButMayBeHeldPastIt() {
        Campaign c = campaign(Duration.ofHours(48), 1);
        InviterEvaluation e = InviterEvaluation.evaluate(c, List.of(i(24 * 9 + 12, null)), Set.of(), LATER);
        assertThat(e.confirmations()).extracting(Confirmation::completedAt).containsExactly(h(24 * 9 + 60));
        e = InviterEvaluation.evaluate(c, List.of(i(24 * 9 + 12, 24 * 10 + 1)), Set.of(), LATER);
        assertThat(e.confirmations()).as("lost just after the end, inside the hold").isEmpty();
    }

    @Test
    void completedTiersAreNotConfirmedAgainAndEveryTierIsJudgedOnItsOwn() {
        Campaign c = campaign(Duration.ZERO, 1, 2, 3);
        List<Interval> timeline = List.of(i(1, null), i(2, null), i(3, 4));
        InviterEvaluation e = InviterEvaluation.evaluate(c, timeline, Set.of(1), LATER);
        assertThat(e.confirmations()).extracting(Confirmation::tier).containsExactly(2, 3);
        assertThat(e.peak()).isEqualTo(3);
        assertThat(e.count()).isEqualTo(2);
    }

    @Test
    void simultaneousStepsAreOneStep() {
        // one invitee lost and another credited in the same second: the count never dips
        Campaign c = campaign(Duration.ofHours(2), 2);
        InviterEvaluation e = InviterEvaluation.evaluate(c, List.of(i(1, null), i(2, 3), i(3, null)), Set.of(), LATER);
        assertThat(e.confirmations()).containsExactly(new Confirmation(2, h(2), h(4)));
    }
}
