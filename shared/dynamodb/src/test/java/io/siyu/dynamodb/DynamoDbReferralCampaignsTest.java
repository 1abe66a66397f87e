package io.siyu.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.siyu.core.referral.Campaign;
import io.siyu.core.referral.CampaignKind;
import io.siyu.core.referral.CampaignStatus;
import io.siyu.core.referral.InviterCode;
import io.siyu.core.referral.ReferralCampaigns.Claim;
import io.siyu.core.referral.ReferralCodes;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class DynamoDbReferralCampaignsTest {

    static final String CORP = AwsEmulators.CORP_ID;
    static final Instant T0 = Instant.parse("2026-11-23T04:00:00Z");
    static final Duration LEASE = Duration.ofSeconds(30);

    private DynamoDbReferralCampaigns store;

    static Campaign campaign(String id) {
        return new Campaign(CORP, id, "Invite 3 friends", CampaignKind.FRIEND, List.of("zhangsan", "lisi"), List.of(3, 5),
                T0, T0.plus(Duration.ofDays(7)), Duration.ofHours(24), true, "a mug", CampaignStatus.ACTIVE, T0, "ops@corp", 0);
    }

    @BeforeEach
    void setUp(AwsEmulators aws) {
        aws.reset();
        store = new DynamoDbReferralCampaigns(aws.dynamoDb(), aws.stack().tableName("ReferralCampaignsTable"));
    }

    @Test
    void aCampaignRoundTripsAndItsIdIsTakenOnce() {
        assertThat(store.create(campaign("k3v9x2pq"))).isTrue();
        assertThat(store.create(campaign("k3v9x2pq"))).isFalse();
        assertThat(store.campaign(CORP, "k3v9x2pq")).contains(campaign("k3v9x2pq"));
        assertThat(store.campaign(CORP, "nothere0")).isEmpty();
        store.create(campaign("a0000000"));
        assertThat(store.campaigns(CORP)).extracting(Campaign::campaignId).containsExactly("a0000000", "k3v9x2pq");
        assertThat(store.campaigns("wwOther")).isEmpty();
    }

    @Test
    void theCatalogVersionMovesWhenACampaignIsCreatedOrArchivedOnly() {
        assertThat(store.catalogVersion(CORP)).isZero();
        store.create(campaign("k3v9x2pq"));
        assertThat(store.catalogVersion(CORP)).isEqualTo(1);
        store.create(campaign("k3v9x2pq"));
        assertThat(store.catalogVersion(CORP)).as("a refused create moves nothing").isEqualTo(1);
        store.update(CORP, "k3v9x2pq", "renamed", null);
        assertThat(store.catalogVersion(CORP)).isEqualTo(1);
        store.archive(CORP, "k3v9x2pq");
        assertThat(store.catalogVersion(CORP)).isEqualTo(2);
        store.archive(CORP, "nothere0");
        assertThat(store.catalogVersion(CORP)).isEqualTo(2);
        assertThat(store.catalogVersion("wwOther")).isZero();
    }

    @Test
    void onlyNameAndRewardChangeAndArchivingKeepsTheCampaign() {
        store.create(campaign("k3v9x2pq"));
        assertThat(store.update(CORP, "k3v9x2pq", "New name", null)).hasValueSatisfying(c -> {
            assertThat(c.name()).isEqualTo("New name");
            assertThat(c.rewardDescription()).isEqualTo("a mug");
        });
        assertThat(store.update(CORP, "k3v9x2pq", null, "")).hasValueSatisfying(c -> assertThat(c.rewardDescription()).isNull());
        assertThat(store.update(CORP, "nothere0", "x", null)).isEmpty();
        assertThat(store.archive(CORP, "k3v9x2pq")).isTrue();
        assertThat(store.archive(CORP, "nothere0")).isFalse();
        assertThat(store.campaign(CORP, "k3v9x2pq").orElseThrow().status()).isEqualTo(CampaignStatus.ARCHIVED);
    }

    @Test
    void aCodeIsIssuedOnceAndCountsItsParticipantOnce() {
        store.create(campaign("k3v9x2pq"));
        String state = ReferralCodes.state("k3v9x2pq", "wmA", 0);
        assertThat(store.claimCode(CORP, "k3v9x2pq", "wmA", state, "t1", T0, LEASE)).isInstanceOf(Claim.Acquired.class);
        assertThat(store.claimCode(CORP, "k3v9x2pq", "wmA", state, "t2", T0.plusSeconds(1), LEASE)).isInstanceOf(Claim.InProgress.class);
        assertThat(store.code(CORP, state)).hasValueSatisfying(c -> assertThat(c.status()).isEqualTo(InviterCode.Status.ISSUING));
        InviterCode issued = store.completeCode(CORP, "k3v9x2pq", "wmA", state, "t1", "cfg1", "https://qr/1", T0.plusSeconds(2));
        assertThat(store.claimCode(CORP, "k3v9x2pq", "wmA", state, "t3", T0.plusSeconds(3), LEASE))
                .isEqualTo(new Claim.Issued(issued));
        assertThat(store.code(CORP, state)).contains(issued);
        assertThat(store.campaign(CORP, "k3v9x2pq").orElseThrow().participants()).isEqualTo(1);
        assertThat(store.participantsByDay(CORP, "k3v9x2pq")).isEqualTo(Map.of(LocalDate.parse("2026-11-23"), 1L));
    }

    @Test
    void aStateOfAnotherInviterIsTakenAndAnAbandonedClaimCanBeTakenOver() {
        store.create(campaign("k3v9x2pq"));
        String state = ReferralCodes.state("k3v9x2pq", "wmA", 0);
        store.claimCode(CORP, "k3v9x2pq", "wmA", state, "t1", T0, LEASE);
        assertThat(store.claimCode(CORP, "k3v9x2pq", "wmB", state, "t2", T0.plusSeconds(60), LEASE)).isInstanceOf(Claim.Taken.class);
        assertThat(store.claimCode(CORP, "k3v9x2pq", "wmA", state, "t3", T0.plusSeconds(31), LEASE)).isInstanceOf(Claim.Acquired.class);
        assertThatThrownBy(() -> store.completeCode(CORP, "k3v9x2pq", "wmA", state, "t1", "cfg", null, T0.plusSeconds(32)))
                .isInstanceOf(DynamoDbReferralCampaigns.LostClaim.class);
        store.completeCode(CORP, "k3v9x2pq", "wmA", state, "t3", "cfg", null, T0.plusSeconds(32));
        assertThat(store.campaign(CORP, "k3v9x2pq").orElseThrow().participants()).isEqualTo(1);
    }

    @Test
    void aReleasedClaimIsFreeAgainButOnlyItsOwnerReleasesIt() {
        store.create(campaign("k3v9x2pq"));
        String state = ReferralCodes.state("k3v9x2pq", "wmA", 0);
        store.claimCode(CORP, "k3v9x2pq", "wmA", state, "t1", T0, LEASE);
        store.releaseCode(CORP, state, "someone-else");
        assertThat(store.code(CORP, state)).isPresent();
        store.releaseCode(CORP, state, "t1");
        assertThat(store.code(CORP, state)).isEmpty();
        assertThat(store.claimCode(CORP, "k3v9x2pq", "wmA", state, "t2", T0, LEASE)).isInstanceOf(Claim.Acquired.class);
    }
}
