package io.siyu.core.referral;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Storage of campaigns and inviter codes (written by the admin API, read by the referral functions). */
public interface ReferralCampaigns {

    /** Stores a new campaign and moves the catalog version; false if the id is taken. */
    boolean create(Campaign campaign);

    /**
     * A number that changes whenever a campaign is created or archived (strongly consistent), so
     * that a reader can keep the campaign list and know exactly when to read it again.
     */
    long catalogVersion(String corpId);

    Optional<Campaign> campaign(String corpId, String campaignId);

    /** Every campaign of the corp, archived ones included. */
    List<Campaign> campaigns(String corpId);

    /** Renames a campaign or changes its reward text; the updated campaign, or empty if there is none. */
    Optional<Campaign> update(String corpId, String campaignId, String name, String rewardDescription);

    /** Marks a campaign ARCHIVED and moves the catalog version; false if there is none. */
    boolean archive(String corpId, String campaignId);

    /** Codes issued per local day (participants joining), for the k-factor over time. */
    Map<LocalDate, Long> participantsByDay(String corpId, String campaignId);

    Optional<InviterCode> code(String corpId, String state);

    /** The outcome of trying to become the issuer of a state. */
    sealed interface Claim {
        /** The caller issues it now: create the WeCom configuration, then {@link #completeCode} or {@link #releaseCode}. */
        record Acquired() implements Claim {}

        /** Already issued for this inviter: answer it as it is. */
        record Issued(InviterCode code) implements Claim {}

        /** Another request is issuing it right now. */
        record InProgress() implements Claim {}

        /** The state belongs to another inviter (a hash collision): try the next salt. */
        record Taken() implements Claim {}
    }

    Claim claimCode(String corpId, String campaignId, String inviter, String state, String token, Instant now, Duration lease);

    /** Marks the claimed code ISSUED with WeCom's configuration and counts the participant, in one write. */
    InviterCode completeCode(String corpId, String campaignId, String inviter, String state, String token, String configId,
                             String qrCode, Instant now);

    /** Gives up a claim (WeCom refused), so that a retry can issue the code. */
    void releaseCode(String corpId, String state, String token);
}
