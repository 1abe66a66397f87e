package io.siyu.functions.referral;

import io.siyu.core.contacts.ContactDirectory;
import io.siyu.core.events.ContactAdded;
import io.siyu.core.events.ContactRemoved;
import io.siyu.core.events.DomainEvent;
import io.siyu.core.events.GroupMemberJoined;
import io.siyu.core.events.GroupMemberLeft;
import io.siyu.core.referral.Campaign;
import io.siyu.core.referral.CampaignKind;
import io.siyu.core.referral.InviteeEntry;
import io.siyu.core.referral.InviteeEntry.Kind;
import io.siyu.core.referral.InviteeRecord;
import io.siyu.core.referral.InviteeUpdate;
import io.siyu.core.referral.InviterCode;
import io.siyu.core.referral.ReferralCampaigns;
import io.siyu.core.referral.ReferralCodes;
import io.siyu.core.referral.ReferralProgress;
import io.siyu.core.referral.ReferralProgress.Conflict;
import io.siyu.wecom.api.GroupChatApi;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Turns contact and group events into entries of invitee logs (docs/referral.md, "Counting").
 * For every campaign an event concerns (a friend campaign with this staff member, a group campaign
 * with this chat, the campaign of the code the event carries) it appends one entry to the
 * invitee's log, derives the invitee again from the whole log and moves the inviters' counters
 * by the difference, in one conditional transaction; a lost race is read again and retried.
 */
final class ReferralService {

    /** Give up (and let Lambda retry the event later) after this many lost races in a row. */
    static final int MAX_ATTEMPTS = 25;
    /** An invitee's log is bounded (an item is at most 400 KB); past this its events are dropped and logged. */
    static final int MAX_LOG_ENTRIES = 1_000;
    /** A member's join_time this close to the event's time means the read shows this very join. */
    static final Duration JOIN_TIME_TOLERANCE = Duration.ofSeconds(60);
    /**
     * groupchat/get may not reflect a join yet (wecom-api.md §1b). While an event is younger than
     * this, a member missing from a read whose member_version differs from the event's CurMemVer
     * fails the invocation, so that Lambda's retries (after about 1 and 2 minutes) read again.
     */
    static final Duration GROUP_READ_RETRY_WINDOW = Duration.ofSeconds(150);

    /** What one event did. */
    record Result(String detailType, int campaigns, int recorded, int duplicates, int inviterChanges, int conflicts,
                  int dropped, String ignored) {

        static Result ignored(String detailType, String why) {
            return new Result(detailType, 0, 0, 0, 0, 0, 0, why);
        }
    }

    /** groupchat/get did not show a joined member yet: retry the event later. */
    static final class GroupReadNotCurrent extends RuntimeException {
        GroupReadNotCurrent(String chatId) {
            super("groupchat/get of " + chatId + " does not reflect the join yet", null, false, false);
        }
    }

    private final String corpId;
    private final CampaignDirectory campaigns;
    private final ReferralCampaigns codes;
    private final ReferralProgress progress;
    private final ContactDirectory contacts;
    private final Supplier<GroupChatApi> groupChats;
    private final Clock clock;
    private final Backoff backoff;

    ReferralService(String corpId, CampaignDirectory campaigns, ReferralCampaigns codes, ReferralProgress progress,
                    ContactDirectory contacts, Supplier<GroupChatApi> groupChats, Clock clock, Backoff backoff) {
        this.corpId = corpId;
        this.campaigns = campaigns;
        this.codes = codes;
        this.progress = progress;
        this.contacts = contacts;
        this.groupChats = groupChats;
        this.clock = clock;
        this.backoff = backoff;
    }

    Result handle(DomainEvent event) {
        if (!corpId.equals(event.corpId())) {
            return Result.ignored(event.detailType(), "event of another corp: " + event.corpId());
        }
        if (event instanceof ContactAdded a) {
            return contactAdded(a);
        }
        if (event instanceof ContactRemoved r) {
            return contactRemoved(r);
        }
        if (event instanceof GroupMemberJoined j) {
            return memberJoined(j);
        }
        if (event instanceof GroupMemberLeft l) {
            return memberLeft(l);
        }
        return Result.ignored(event.detailType(), "not an event referral counts");
    }

    private Result contactAdded(ContactAdded a) {
        if (blank(a.userId()) || blank(a.externalUserId())) {
            return Result.ignored(a.detailType(), "no userId or externalUserId");
        }
        // Only campaigns with this staff member: their removals are what is recorded against the add.
        List<Campaign> targets = friendTargets(a.userId(), a.occurredAt());
        Optional<InviterCode> code = targets.isEmpty() ? Optional.empty() : code(a.state());
        Supplier<Boolean> preexisting = lazyPreexisting(a.externalUserId(), a.occurredAt());
        Tally tally = new Tally(a.detailType(), targets.size());
        for (Campaign c : targets) {
            String inviter = code.filter(k -> k.campaignId().equals(c.campaignId())).map(InviterCode::inviterExternalUserId)
                    .orElse(null);
            boolean known = inviter != null && c.onlyNewCustomers() && preexisting.get();
            tally.add(apply(c, a.externalUserId(),
                    new InviteeEntry(a.occurredAt(), a.eventId(), Kind.ENTER, a.userId(), inviter, known)));
        }
        return tally.result();
    }

    private Result contactRemoved(ContactRemoved r) {
        if (blank(r.userId()) || blank(r.externalUserId())) {
            return Result.ignored(r.detailType(), "no userId or externalUserId");
        }
        if ("DELETE_BY_TRANSFER".equals(r.removalSource())) {
            // 在职继承 moved the customer to another staff member: the corp's doing, not a loss by the invitee.
            return Result.ignored(r.detailType(), "removed by a handover (DELETE_BY_TRANSFER)");
        }
        List<Campaign> targets = friendTargets(r.userId(), r.occurredAt());
        Tally tally = new Tally(r.detailType(), targets.size());
        for (Campaign c : targets) {
            tally.add(apply(c, r.externalUserId(),
                    new InviteeEntry(r.occurredAt(), r.eventId(), Kind.EXIT, r.userId(), null, false)));
        }
        return tally.result();
    }

    private Result memberJoined(GroupMemberJoined j) {
        if (blank(j.chatId()) || j.memberIds() == null || j.memberIds().isEmpty()) {
            return Result.ignored(j.detailType(), "no chatId or no members");
        }
        List<Campaign> targets = groupTargets(j.chatId(), j.occurredAt());
        if (targets.isEmpty()) {
            return Result.ignored(j.detailType(), "no campaign has this group");
        }
        GroupChatApi.GroupChat group = groupChats.get().get(j.chatId(), false);
        boolean current = j.currentMemberVersion() == null || j.currentMemberVersion().equals(group.memberVersion());
        boolean young = Duration.between(j.occurredAt(), clock.instant()).compareTo(GROUP_READ_RETRY_WINDOW) < 0;
        Tally tally = new Tally(j.detailType(), targets.size());
        for (String memberId : j.memberIds()) {
            if (blank(memberId)) {
                continue;
            }
            Optional<GroupChatApi.Member> member = group.member(memberId);
            if (member.isPresent() && !member.get().external()) {
                continue; // a staff member joining their own group
            }
            boolean thisJoin = member.isPresent() && Math.abs(member.get().joinTime() - j.occurredAt().getEpochSecond())
                    <= JOIN_TIME_TOLERANCE.toSeconds();
            if (!thisJoin && !current && young) {
                throw new GroupReadNotCurrent(j.chatId());
            }
            Optional<InviterCode> code = thisJoin ? code(member.get().state()) : Optional.empty();
            Supplier<Boolean> preexisting = lazyPreexisting(memberId, j.occurredAt());
            for (Campaign c : targets) {
                String inviter = code.filter(k -> k.campaignId().equals(c.campaignId()))
                        .map(InviterCode::inviterExternalUserId).orElse(null);
                boolean known = inviter != null && c.onlyNewCustomers() && preexisting.get();
                tally.add(apply(c, memberId, new InviteeEntry(j.occurredAt(), j.eventId(), Kind.ENTER, j.chatId(), inviter, known)));
            }
        }
        return tally.result();
    }

    private Result memberLeft(GroupMemberLeft l) {
        if (blank(l.chatId()) || l.memberIds() == null || l.memberIds().isEmpty()) {
            return Result.ignored(l.detailType(), "no chatId or no members");
        }
        List<Campaign> targets = groupTargets(l.chatId(), l.occurredAt());
        Tally tally = new Tally(l.detailType(), targets.size());
        for (String memberId : l.memberIds()) {
            if (blank(memberId)) {
                continue;
            }
            for (Campaign c : targets) {
                tally.add(apply(c, memberId, new InviteeEntry(l.occurredAt(), l.eventId(), Kind.EXIT, l.chatId(), null, false)));
            }
        }
        return tally.result();
    }

    private List<Campaign> friendTargets(String userId, Instant at) {
        return campaigns.all().stream().filter(c -> c.kind() == CampaignKind.FRIEND && c.records(at)
                && c.members().contains(userId)).toList();
    }

    private List<Campaign> groupTargets(String chatId, Instant at) {
        return campaigns.all().stream().filter(c -> c.kind() == CampaignKind.GROUP && c.records(at)
                && c.members().contains(chatId)).toList();
    }

    /** Codes never change hands once stored, so a warm function keeps the ones it has seen (bounded). */
    private static final int CODE_CACHE_LIMIT = 10_000;
    private final Map<String, Optional<InviterCode>> codeCache = new java.util.concurrent.ConcurrentHashMap<>();

    /** The inviter code a state names, if it is a referral state Siyu issued. */
    private Optional<InviterCode> code(String state) {
        Optional<ReferralCodes.ParsedState> parsed = ReferralCodes.parse(state);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        Optional<InviterCode> cached = codeCache.get(state);
        if (cached != null && cached.isPresent()) {
            return cached; // a code never changes hands once issued
        }
        Optional<InviterCode> code = codes.code(corpId, state)
                .filter(c -> c.campaignId().equals(parsed.get().campaignId()));
        if (code.isPresent()) {
            if (codeCache.size() >= CODE_CACHE_LIMIT) {
                codeCache.clear();
            }
            codeCache.put(state, code);
        }
        return code;
    }

    /**
     * Whether the customer was a customer before {@code at}: some relationship with any staff
     * member was first added strictly before it. Attribution writes contacts concurrently; the
     * relationship of this very add has {@code firstAddedAt == at} and does not count, so the
     * answer does not depend on which function ran first.
     */
    private Supplier<Boolean> lazyPreexisting(String externalUserId, Instant at) {
        Boolean[] answer = new Boolean[1];
        return () -> {
            if (answer[0] == null) {
                answer[0] = contacts.relationships(corpId, externalUserId).stream()
                        .anyMatch(r -> r.firstAddedAt() != null && r.firstAddedAt().isBefore(at));
            }
            return answer[0];
        };
    }

    /** What appending one entry did. */
    private record Applied(boolean recorded, int inviterChanges, int conflicts, boolean dropped) {}

    private Applied apply(Campaign campaign, String invitee, InviteeEntry entry) {
        int conflicts = 0;
        for (int attempt = 1; ; attempt++) {
            InviteeRecord stored = progress.invitee(corpId, campaign.campaignId(), invitee);
            if (stored.log().size() >= MAX_LOG_ENTRIES && stored.log().stream().noneMatch(entry::sameEvent)) {
                return new Applied(false, 0, conflicts, true);
            }
            InviteeUpdate update = InviteeUpdate.of(campaign, stored, entry);
            if (update == null) {
                return new Applied(false, 0, conflicts, false);
            }
            try {
                progress.commit(corpId, campaign.campaignId(), update, clock.instant());
                return new Applied(true, update.inviters().size(), conflicts, false);
            } catch (Conflict c) {
                conflicts++;
                if (attempt >= MAX_ATTEMPTS) {
                    throw new IllegalStateException("invitee " + invitee + " of campaign " + campaign.campaignId()
                            + ": still conflicting after " + attempt + " attempts (" + c.reason() + ")", c);
                }
                backoff.pause(attempt);
            }
        }
    }

    private static final class Tally {
        private final String detailType;
        private final int campaigns;
        private int recorded;
        private int duplicates;
        private int inviterChanges;
        private int conflicts;
        private int dropped;

        Tally(String detailType, int campaigns) {
            this.detailType = detailType;
            this.campaigns = campaigns;
        }

        void add(Applied a) {
            if (a.recorded()) {
                recorded++;
            } else if (a.dropped()) {
                dropped++;
            } else {
                duplicates++;
            }
            inviterChanges += a.inviterChanges();
            conflicts += a.conflicts();
        }

        Result result() {
            return new Result(detailType, campaigns, recorded, duplicates, inviterChanges, conflicts, dropped,
                    campaigns == 0 ? "no campaign concerns this event" : null);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
