package io.siyu.functions.referral;

import static io.siyu.functions.referral.ReferralFixture.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.core.events.ContactRemoved.RemovedBy;
import io.siyu.core.events.ReferralTaskCompleted;
import io.siyu.core.referral.Campaign;
import io.siyu.core.referral.CampaignKind;
import io.siyu.core.referral.Completion;
import io.siyu.core.referral.InviterEvaluation.PendingHold;
import io.siyu.emulators.EventBridgeStub.Failure;
import io.siyu.emulators.LambdaContext;
import io.siyu.eventbus.DomainEventJson;
import io.siyu.lambda.Env;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import io.siyu.testing.PublishedEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The hold sweep: completions confirmed once, after their hold, published exactly once per (campaign, inviter, tier). */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class ReferralSweepHandlerTest {

    static final String A = "wmInviterA";
    static final Duration SETTLE = Duration.ofSeconds(120); // the template's REFERRAL_SETTLE_SECONDS
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReferralFixture f;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        aws.reset();
        f = new ReferralFixture(aws, 2).withClock();
    }

    @AfterEach
    void restore() {
        Env.useProcessEnvironment();
    }

    private List<ReferralTaskCompleted> published() {
        return f.aws.publishedEvents().stream().map(e -> {
            assertThat(e.source()).isEqualTo("siyu.referral");
            assertThat(e.eventBusName()).isEqualTo("siyu");
            return (ReferralTaskCompleted) DomainEventJson.fromDetail(e.detailType(), e.detail());
        }).toList();
    }

    @Test
    void holdPeriod() {
        Campaign c = f.campaign(CampaignKind.FRIEND, List.of("zhangsan"), List.of(2), Duration.ofHours(24), true);
        String code = f.code(c, A);
        f.deliver(f.added(at(1), "zhangsan", "wm1", code));
        f.deliver(f.added(at(2), "zhangsan", "wm2", code));
        f.sweep(at(3));
        assertThat(published()).as("the hold has just begun").isEmpty();
        assertThat(f.inviter(c, A).pending()).containsExactly(new PendingHold(2, at(2), at(26)));

        f.deliver(f.removed(at(10), "zhangsan", "wm2", RemovedBy.CUSTOMER)); // add-then-delete farming
        f.sweep(at(27).plus(SETTLE));
        assertThat(published()).as("the count fell below the tier inside the hold").isEmpty();
        assertThat(f.inviter(c, A).pending()).isEmpty();

        f.deliver(f.added(at(20), "zhangsan", "wm3", code));
        f.sweep(at(43).plus(SETTLE));
        assertThat(published()).isEmpty();
        assertThat(f.inviter(c, A).pending()).containsExactly(new PendingHold(2, at(20), at(44)));

        f.sweep(at(44).plus(SETTLE));
        assertThat(published()).containsExactly(new ReferralTaskCompleted(
                ReferralTaskCompleted.eventIdOf(c.campaignId(), A, 2), ReferralFixture.CORP, at(44), c.campaignId(), A, 2,
                at(20), Duration.ofHours(24).toSeconds(), "a gift"));
        assertThat(f.completions(c)).singleElement().satisfies(done -> {
            assertThat(done.reachedAt()).isEqualTo(at(20));
            assertThat(done.completedAt()).isEqualTo(at(44));
            assertThat(done.publishedAt()).isNotNull();
        });

        f.deliver(f.removed(at(45), "zhangsan", "wm3", RemovedBy.STAFF));
        f.deliver(f.added(at(46), "zhangsan", "wm4", code));
        f.sweep(at(24 * 5));
        assertThat(published()).as("once per (campaign, inviter, tier)").hasSize(1);
        assertThat(f.inviter(c, A).count()).isEqualTo(2);
    }

    @Test
    void withoutAHoldEveryTierCompletesOnceTheSettleMarginHasPassed() {
        Campaign c = f.campaign(CampaignKind.FRIEND, List.of("zhangsan"), List.of(1, 2), Duration.ZERO, true);
        String code = f.code(c, A);
        f.deliver(f.added(at(1), "zhangsan", "wm1", code));
        f.deliver(f.added(at(2), "zhangsan", "wm2", code));
        f.sweep(at(2).plus(SETTLE).minusSeconds(1));
        assertThat(published()).extracting(ReferralTaskCompleted::tier).as("tier 2 is not settled yet").containsExactly(1);
        f.sweep(at(2).plus(SETTLE));
        assertThat(published()).extracting(ReferralTaskCompleted::tier).containsExactly(1, 2);
        f.deliver(f.removed(at(3), "zhangsan", "wm2", RemovedBy.CUSTOMER));
        f.deliver(f.added(at(4), "zhangsan", "wm2", null));
        f.sweep(at(10));
        f.sweep(at(11));
        assertThat(published()).hasSize(2);
        assertThat(f.inviter(c, A)).satisfies(a -> {
            assertThat(a.peak()).isEqualTo(2);
            assertThat(a.count()).isEqualTo(2);
            assertThat(a.returns()).isEqualTo(1);
        });
    }

    @Test
    void thePeakIsInEventTimeWhateverTheArrivalOrder() {
        Campaign c = f.campaign(CampaignKind.FRIEND, List.of("zhangsan"), List.of(5), Duration.ZERO, true);
        String code = f.code(c, A);
        // in event time: wm1 [1,3), wm2 [2,4): the count was 2 between 2 and 3
        f.deliver(f.removed(at(4), "zhangsan", "wm2", RemovedBy.CUSTOMER));
        f.deliver(f.removed(at(3), "zhangsan", "wm1", RemovedBy.CUSTOMER));
        f.deliver(f.added(at(2), "zhangsan", "wm2", code));
        f.deliver(f.added(at(1), "zhangsan", "wm1", code));
        f.sweep(at(5));
        assertThat(f.inviter(c, A)).satisfies(a -> {
            assertThat(a.peak()).isEqualTo(2);
            assertThat(a.count()).isZero();
            assertThat(a.losses()).isEqualTo(2);
        });
    }

    @Test
    void aCompletionWhosePublishFailedIsPublishedByTheNextSweep() {
        assumeTrue(f.aws.canInjectEventBridgeFailures(), "needs the in-process EventBridge stub");
        Campaign c = f.campaign(CampaignKind.FRIEND, List.of("zhangsan"), List.of(1), Duration.ZERO, true);
        f.deliver(f.added(at(1), "zhangsan", "wm1", f.code(c, A)));
        f.aws.failNextPutEvents(Failure.ENTRY_FAILED);
        ReferralSweep.Result first = f.sweep(at(2));
        assertThat(first.confirmed()).isEqualTo(1);
        assertThat(first.publishFailures()).isEqualTo(1);
        assertThat(published()).isEmpty();
        assertThat(f.completions(c)).singleElement().extracting(Completion::publishedAt).isNull();
        ReferralSweep.Result second = f.sweep(at(3));
        assertThat(second.confirmed()).isZero();
        assertThat(published()).hasSize(1);
        f.sweep(at(4));
        assertThat(published()).hasSize(1);
    }

    @Test
    void anArchivedCampaignConfirmsNothing() {
        Campaign c = f.campaign(CampaignKind.FRIEND, List.of("zhangsan"), List.of(1), Duration.ZERO, true);
        f.deliver(f.added(at(1), "zhangsan", "wm1", f.code(c, A)));
        f.campaigns.archive(ReferralFixture.CORP, c.campaignId());
        f.sweep(at(5));
        assertThat(published()).isEmpty();
        assertThat(f.completions(c)).isEmpty();
        assertThat(f.progress.due(ReferralFixture.CORP, at(24 * 100), 10, null).items()).isEmpty();
    }

    @Test
    void theDeployedSweepRunsFromTheSchedulesInput() {
        Env.use(f.aws.environmentOf("ReferralSweepFunction"));
        ReferralSweepHandler handler = new ReferralSweepHandler();
        Campaign c = f.campaign(CampaignKind.FRIEND, List.of("zhangsan"), List.of(1), Duration.ZERO, true);
        f.deliver(f.added(at(1), "zhangsan", "wm1", f.code(c, A)));
        handler.handleRequest(new ByteArrayInputStream("{\"sweep\": \"referral\"}".getBytes(StandardCharsets.UTF_8)),
                new ByteArrayOutputStream(), new LambdaContext("referral-sweep", 50));
        assertThat(published()).extracting(ReferralTaskCompleted::tier).containsExactly(1);
        PublishedEvent e = f.aws.publishedEvents().get(0);
        assertThat(e.detailType()).isEqualTo("ReferralTaskCompleted");
        JsonNode detail = readTree(e.detail());
        assertThat(detail.path("occurredAt").asText()).isEqualTo(at(1).toString());
        assertThat(detail.path("inviterExternalUserId").asText()).isEqualTo(A);
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aHoldMayRunPastTheEndButARollbackAfterTheEndBreaksIt() {
        Campaign c = f.campaign(CampaignKind.FRIEND, List.of("zhangsan"), List.of(1), Duration.ofHours(48), true);
        String code = f.code(c, A);
        Instant lastDay = ReferralFixture.END.minus(Duration.ofHours(12));
        f.deliver(f.added(lastDay, "zhangsan", "wm1", code));
        f.deliver(f.added(lastDay, "zhangsan", "wm2", f.code(c, "wmInviterB")));
        f.deliver(f.removed(ReferralFixture.END.plus(Duration.ofHours(1)), "zhangsan", "wm2", RemovedBy.CUSTOMER));
        f.sweep(lastDay.plus(Duration.ofHours(48)).plus(SETTLE));
        assertThat(published()).extracting(ReferralTaskCompleted::inviterExternalUserId).containsExactly(A);
    }
}
