package io.siyu.core.referral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.siyu.core.contacts.StateCodes;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class ReferralCodesTest {

    @Property(tries = 300)
    void aStateFitsWeComsThirtyCharactersAndParsesBack(@ForAll long seed, @ForAll @StringLength(min = 1, max = 64) String inviter) {
        String campaignId = ReferralCodes.newCampaignId(new Random(seed));
        String state = ReferralCodes.state(campaignId, inviter, 0);
        assertThat(state).hasSize(22).startsWith(StateCodes.REFERRAL_PREFIX);
        assertThat(state.length()).isLessThanOrEqualTo(StateCodes.MAX_LENGTH);
        assertThat(ReferralCodes.parse(state)).hasValueSatisfying(p -> assertThat(p.campaignId()).isEqualTo(campaignId));
    }

    @Test
    void theSameInviterGetsTheSameStateAndTheSaltChangesIt() {
        String a = ReferralCodes.state("k3v9x2pq", "wmAJ2GCAAAXtWyujaWJHDDGi0mAAAA", 0);
        assertThat(ReferralCodes.state("k3v9x2pq", "wmAJ2GCAAAXtWyujaWJHDDGi0mAAAA", 0)).isEqualTo(a);
        assertThat(ReferralCodes.state("k3v9x2pq", "wmAJ2GCAAAXtWyujaWJHDDGi0mAAAA", 1)).isNotEqualTo(a);
        assertThat(ReferralCodes.state("k3v9x2pq", "wmAJ2GCAAAXtWyujaWJHDDGi0mBBBB", 0)).isNotEqualTo(a);
        assertThat(ReferralCodes.state("k3v9x2pr", "wmAJ2GCAAAXtWyujaWJHDDGi0mAAAA", 0)).isNotEqualTo(a);
    }

    @Test
    void tenThousandInvitersGetTenThousandStates() {
        Set<String> states = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            states.add(ReferralCodes.state("k3v9x2pq", "wm" + i, 0));
        }
        assertThat(states).hasSize(10_000);
    }

    @Test
    void otherStatesAreNotReferralCodes() {
        assertThat(ReferralCodes.parse(null)).isEmpty();
        assertThat(ReferralCodes.parse("ch_k3v9x2pq")).isEmpty();
        assertThat(ReferralCodes.parse("teststate")).isEmpty();
        assertThat(ReferralCodes.parse("rf_")).isEmpty();
        assertThat(ReferralCodes.parse("rf_k3v9x2pq_0123456789x")).isEmpty();
        assertThat(ReferralCodes.parse("rf_K3V9X2PQ_0123456789")).isEmpty();
        assertThat(ReferralCodes.parse("rf_k3v9x2pq_012345678i")).as("no i in Crockford base32").isEmpty();
        assertThat(ReferralCodes.parse("rf_k3v9x2pq_0123456789")).isPresent();
    }

    @Test
    void campaignIdsAreChecked() {
        assertThat(ReferralCodes.isCampaignId("k3v9x2pq")).isTrue();
        assertThat(ReferralCodes.isCampaignId("k3v9x2p")).isFalse();
        assertThat(ReferralCodes.isCampaignId("../../x1")).isFalse();
        assertThatThrownBy(() -> ReferralCodes.state("bad", "wm", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
