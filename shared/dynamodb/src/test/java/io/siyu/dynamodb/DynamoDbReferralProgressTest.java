package io.siyu.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.siyu.core.referral.Campaign;
import io.siyu.core.referral.CampaignKind;
import io.siyu.core.referral.CampaignStatus;
import io.siyu.core.referral.Completion;
import io.siyu.core.referral.DayCounts;
import io.siyu.core.referral.InviteeEntry;
import io.siyu.core.referral.InviteeRecord;
import io.siyu.core.referral.InviteeUpdate;
import io.siyu.core.referral.InviterEvaluation;
import io.siyu.core.referral.InviterRecord;
import io.siyu.core.referral.Interval;
import io.siyu.core.referral.ReferralProgress.Conflict;
import io.siyu.core.referral.ReferralProgress.Due;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class DynamoDbReferralProgressTest {

    static final String CORP = AwsEmulators.CORP_ID;
    static final Instant T0 = Instant.parse("2026-11-23T04:00:00Z");
    static final Campaign CAMPAIGN = new Campaign(CORP, "k3v9x2pq", "c", CampaignKind.FRIEND, List.of("s1", "s2"),
            List.of(1, 2), T0, T0.plus(Duration.ofDays(7)), Duration.ofHours(1), true, "gift", CampaignStatus.ACTIVE, T0, "op", 0);

    private DynamoDbReferralProgress store;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        aws.reset();
        store = new DynamoDbReferralProgress(aws.dynamoDb(), aws.stack().tableName("ReferralProgressTable"));
    }

    static InviteeEntry enter(int minute, String staff, String inviter) {
        return new InviteeEntry(T0.plus(Duration.ofMinutes(minute)), "e" + minute, InviteeEntry.Kind.ENTER, staff, inviter, false);
    }

    static InviteeEntry exit(int minute, String staff) {
        return new InviteeEntry(T0.plus(Duration.ofMinutes(minute)), "x" + minute, InviteeEntry.Kind.EXIT, staff, null, false);
    }

    private InviteeUpdate apply(String invitee, InviteeEntry entry) {
        InviteeRecord now = store.invitee(CORP, CAMPAIGN.campaignId(), invitee);
        InviteeUpdate u = InviteeUpdate.of(CAMPAIGN, now, entry);
        store.commit(CORP, CAMPAIGN.campaignId(), u, T0.plus(Duration.ofMinutes(30)));
        return u;
    }

    @Test
    void anInviteeAndItsInvitersCountersAreWrittenTogether() {
        apply("wm1", enter(1, "s1", "A"));
        apply("wm2", enter(2, "s1", "A"));
        apply("wm2", exit(3, "s1"));
        InviteeRecord stored = store.invitee(CORP, CAMPAIGN.campaignId(), "wm1");
        assertThat(stored.version()).isEqualTo(1);
        assertThat(stored.log()).containsExactly(enter(1, "s1", "A"));
        assertThat(stored.outcome().inviter()).isEqualTo("A");
        InviterRecord a = store.inviter(CORP, CAMPAIGN.campaignId(), "A").orElseThrow();
        assertThat(a).extracting(InviterRecord::count, InviterRecord::credited, InviterRecord::losses, InviterRecord::changes)
                .containsExactly(1L, 2L, 1L, 3L);
        assertThat(a.days()).isEqualTo(Map.of(LocalDate.parse("2026-11-23"), new DayCounts(2, 1, 0)));
        assertThat(store.inviters(CORP, CAMPAIGN.campaignId())).containsExactly(a);
        assertThat(store.creditedIntervals(CORP, CAMPAIGN.campaignId(), "A")).containsExactlyInAnyOrder(
                new Interval(T0.plus(Duration.ofMinutes(1)), null),
                new Interval(T0.plus(Duration.ofMinutes(2)), T0.plus(Duration.ofMinutes(3))));
    }

    @Test
    void aStaleVersionIsAConflictAndChangesNothing() {
        InviteeRecord empty = store.invitee(CORP, CAMPAIGN.campaignId(), "wm1");
        InviteeUpdate first = InviteeUpdate.of(CAMPAIGN, empty, enter(1, "s1", "A"));
        InviteeUpdate racing = InviteeUpdate.of(CAMPAIGN, empty, enter(2, "s1", "B"));
        store.commit(CORP, CAMPAIGN.campaignId(), first, T0);
        assertThatThrownBy(() -> store.commit(CORP, CAMPAIGN.campaignId(), racing, T0))
                .isInstanceOfSatisfying(Conflict.class, c -> assertThat(c.reason()).isEqualTo(Conflict.Reason.VERSION));
        assertThat(store.inviter(CORP, CAMPAIGN.campaignId(), "B")).isEmpty();
        InviteeUpdate noInviter = InviteeUpdate.of(CAMPAIGN, store.invitee(CORP, CAMPAIGN.campaignId(), "wm1"), enter(3, "s2", null));
        assertThat(noInviter.inviters()).isEmpty();
        store.commit(CORP, CAMPAIGN.campaignId(), noInviter, T0);
        assertThatThrownBy(() -> store.commit(CORP, CAMPAIGN.campaignId(), noInviter, T0)).isInstanceOf(Conflict.class);
    }

    @Test
    void aChangedInviterIsDueForEvaluationUntilAnEvaluationOfItsLatestChangeIsSaved() {
        apply("wm1", enter(1, "s1", "A"));
        Instant now = T0.plus(Duration.ofMinutes(31));
        assertThat(store.due(CORP, now, 10, null).items()).containsExactly(new Due.Evaluate(CAMPAIGN.campaignId(), "A"));
        assertThat(store.due(CORP, T0.plus(Duration.ofMinutes(29)), 10, null).items()).isEmpty();
        InviterEvaluation eval = InviterEvaluation.evaluate(CAMPAIGN, store.creditedIntervals(CORP, CAMPAIGN.campaignId(), "A"),
                Set.of(), now);
        assertThat(store.saveEvaluation(CORP, CAMPAIGN.campaignId(), "A", 0, eval, now, null)).as("stale").isFalse();
        Instant holdEnds = T0.plus(Duration.ofMinutes(61));
        assertThat(store.saveEvaluation(CORP, CAMPAIGN.campaignId(), "A", 1, eval, now, holdEnds)).isTrue();
        assertThat(store.inviter(CORP, CAMPAIGN.campaignId(), "A").orElseThrow().pending())
                .containsExactly(new InviterEvaluation.PendingHold(1, T0.plus(Duration.ofMinutes(1)), holdEnds));
        assertThat(store.due(CORP, now, 10, null).items()).isEmpty();
        assertThat(store.due(CORP, holdEnds, 10, null).items()).containsExactly(new Due.Evaluate(CAMPAIGN.campaignId(), "A"));
        assertThat(store.saveEvaluation(CORP, CAMPAIGN.campaignId(), "A", 1, eval, holdEnds, null)).isTrue();
        assertThat(store.due(CORP, Instant.parse("2100-01-01T00:00:00Z"), 10, null).items()).isEmpty();
    }

    @Test
    void theWorklistIsReadPageByPageOldestFirst() {
        for (int i = 0; i < 5; i++) {
            InviteeUpdate u = InviteeUpdate.of(CAMPAIGN, store.invitee(CORP, CAMPAIGN.campaignId(), "wm" + i),
                    enter(1, "s1", "inviter" + i));
            store.commit(CORP, CAMPAIGN.campaignId(), u, T0.plusSeconds(i));
        }
        List<String> seen = new java.util.ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var page = store.due(CORP, T0.plusSeconds(10), 2, cursor);
            page.items().forEach(d -> seen.add(d.inviterExternalUserId()));
            cursor = page.next();
            pages++;
        } while (cursor != null);
        assertThat(seen).containsExactly("inviter0", "inviter1", "inviter2", "inviter3", "inviter4");
        assertThat(pages).isBetween(3, 4);
    }

    @Test
    void aCompletionIsRecordedOnceAndStaysDueUntilPublished() {
        Completion c = new Completion(CORP, CAMPAIGN.campaignId(), "A", 2, T0, T0.plusSeconds(3600), T0.plusSeconds(4000), null);
        assertThat(store.recordCompletion(c)).isTrue();
        assertThat(store.recordCompletion(c)).isFalse();
        assertThat(store.due(CORP, T0.plusSeconds(4000), 10, null).items()).containsExactly(new Due.Publish(CAMPAIGN.campaignId(), "A", 2));
        store.markPublished(c, T0.plusSeconds(4001));
        assertThat(store.due(CORP, T0.plusSeconds(5000), 10, null).items()).isEmpty();
        assertThat(store.completions(CORP, CAMPAIGN.campaignId())).containsExactly(
                new Completion(CORP, CAMPAIGN.campaignId(), "A", 2, T0, T0.plusSeconds(3600), T0.plusSeconds(4000), T0.plusSeconds(4001)));
        assertThat(store.completions(CORP, CAMPAIGN.campaignId(), "A")).hasSize(1);
        assertThat(store.completions(CORP, CAMPAIGN.campaignId(), "B")).isEmpty();
    }
}
