package io.siyu.functions.referral;

import io.siyu.core.ports.EventPublisher;
import io.siyu.core.referral.Campaign;
import io.siyu.core.referral.CampaignStatus;
import io.siyu.core.referral.Completion;
import io.siyu.core.referral.InviterEvaluation;
import io.siyu.core.referral.InviterRecord;
import io.siyu.core.referral.ReferralCampaigns;
import io.siyu.core.referral.ReferralProgress;
import io.siyu.core.referral.ReferralProgress.Due;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hold sweep (docs/referral.md, "Completion"). It works through the worklist, never the whole
 * campaign: inviters whose counters moved since their last evaluation, inviters whose hold ends
 * now, and completions not yet on the bus. For an inviter it reads the timeline (the intervals of
 * its credited invitees), recomputes the peak and the holds, confirms every tier whose hold ended
 * before {@code now - settle} (one completion record per tier, then ReferralTaskCompleted), and
 * puts the inviter back on the worklist for the end of its next hold.
 */
final class ReferralSweep {

    private static final Logger LOG = LoggerFactory.getLogger(ReferralSweep.class);
    private static final int PAGE = 100;

    /** What one run did. */
    record Result(int evaluated, int confirmed, int published, int publishFailures, int stale) {}

    private final String corpId;
    private final ReferralCampaigns campaigns;
    private final ReferralProgress progress;
    private final EventPublisher publisher;
    private final Clock clock;
    private final Duration settle;

    ReferralSweep(String corpId, ReferralCampaigns campaigns, ReferralProgress progress, EventPublisher publisher,
                  Clock clock, Duration settle) {
        this.corpId = corpId;
        this.campaigns = campaigns;
        this.progress = progress;
        this.publisher = publisher;
        this.clock = clock;
        this.settle = settle;
    }

    /**
     * Works through what is due now, page by page, each item once, while {@code keepGoing} says
     * there is time left; what a run leaves (or what becomes due meanwhile) the next run takes.
     */
    Result run(BooleanSupplier keepGoing) {
        Instant now = clock.instant();
        Set<Due> done = new HashSet<>();
        Map<String, Optional<Campaign>> campaignCache = new HashMap<>();
        int evaluated = 0;
        int confirmed = 0;
        int published = 0;
        int publishFailures = 0;
        int stale = 0;
        String cursor = null;
        do {
            ReferralProgress.DuePage page = progress.due(corpId, now, PAGE, cursor);
            cursor = page.next();
            for (Due d : page.items()) {
                if (!keepGoing.getAsBoolean()) {
                    return new Result(evaluated, confirmed, published, publishFailures, stale);
                }
                if (!done.add(d)) {
                    continue;
                }
                Optional<Campaign> campaign = campaignCache.computeIfAbsent(d.campaignId(),
                        id -> campaigns.campaign(corpId, id));
                if (d instanceof Due.Publish p) {
                    Outcome o = publish(campaign, p);
                    published += o.published;
                    publishFailures += o.failures;
                } else {
                    Outcome o = evaluate(campaign, d.campaignId(), d.inviterExternalUserId(), now);
                    evaluated++;
                    confirmed += o.confirmed;
                    published += o.published;
                    publishFailures += o.failures;
                    stale += o.stale;
                }
            }
        } while (cursor != null && keepGoing.getAsBoolean());
        return new Result(evaluated, confirmed, published, publishFailures, stale);
    }

    private static final class Outcome {
        int confirmed;
        int published;
        int failures;
        int stale;
    }

    private Outcome evaluate(Optional<Campaign> found, String campaignId, String inviter, Instant now) {
        Outcome o = new Outcome();
        Optional<InviterRecord> record = progress.inviter(corpId, campaignId, inviter);
        if (record.isEmpty() || found.isEmpty()) {
            return o;
        }
        Campaign campaign = found.get();
        Set<Integer> completed = progress.completions(corpId, campaignId, inviter).stream().map(Completion::tier)
                .collect(Collectors.toSet());
        InviterEvaluation evaluation = InviterEvaluation.evaluate(campaign,
                progress.creditedIntervals(corpId, campaignId, inviter), completed, now.minus(settle));
        if (evaluation.count() != record.get().count()) {
            LOG.info("referral timeline of {} in {} shows {} while the counter shows {} (index catching up)", inviter,
                    campaignId, evaluation.count(), record.get().count());
        }
        if (campaign.status() == CampaignStatus.ACTIVE) {
            for (InviterEvaluation.Confirmation c : evaluation.confirmations()) {
                Completion completion = new Completion(corpId, campaignId, inviter, c.tier(), c.reachedAt(), c.completedAt(),
                        now, null);
                if (progress.recordCompletion(completion)) {
                    o.confirmed++;
                    LOG.info("referral task completed: campaign={} inviter={} tier={} reachedAt={} completedAt={}",
                            campaignId, inviter, c.tier(), c.reachedAt(), c.completedAt());
                    if (tryPublish(campaign, completion)) {
                        o.published++;
                    } else {
                        o.failures++;
                    }
                }
            }
        }
        Instant next = evaluation.nextCompletion();
        boolean saved = progress.saveEvaluation(corpId, campaignId, inviter, record.get().changes(), evaluation, now,
                next == null || campaign.status() != CampaignStatus.ACTIVE ? null : next.plus(settle));
        if (!saved) {
            o.stale++; // the counters moved meanwhile: the inviter stays on the worklist for the next run
        }
        return o;
    }

    private Outcome publish(Optional<Campaign> campaign, Due.Publish p) {
        Outcome o = new Outcome();
        if (campaign.isEmpty()) {
            return o;
        }
        Optional<Completion> completion = progress.completions(corpId, p.campaignId(), p.inviterExternalUserId()).stream()
                .filter(c -> c.tier() == p.tier()).findFirst();
        if (completion.isPresent() && completion.get().publishedAt() == null) {
            if (tryPublish(campaign.get(), completion.get())) {
                o.published++;
            } else {
                o.failures++;
            }
        }
        return o;
    }

    /** Publishes and marks the completion; a failure leaves it on the worklist for the next run. */
    private boolean tryPublish(Campaign campaign, Completion completion) {
        try {
            publisher.publish(completion.event(campaign));
        } catch (EventPublisher.PublishFailed e) {
            LOG.warn("ReferralTaskCompleted {} not published, the next sweep retries: {}", completion.eventId(), e.getMessage());
            return false;
        }
        progress.markPublished(completion, clock.instant());
        return true;
    }
}
