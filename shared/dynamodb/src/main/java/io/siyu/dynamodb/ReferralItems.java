package io.siyu.dynamodb;

import static io.siyu.dynamodb.Items.instant;
import static io.siyu.dynamodb.Items.n;
import static io.siyu.dynamodb.Items.num;
import static io.siyu.dynamodb.Items.s;
import static io.siyu.dynamodb.Items.str;

import io.siyu.core.referral.Campaign;
import io.siyu.core.referral.CampaignKind;
import io.siyu.core.referral.CampaignStatus;
import io.siyu.core.referral.Completion;
import io.siyu.core.referral.Contribution;
import io.siyu.core.referral.DayCounts;
import io.siyu.core.referral.InviteeEntry;
import io.siyu.core.referral.InviteeOutcome;
import io.siyu.core.referral.InviteeRecord;
import io.siyu.core.referral.InviterCode;
import io.siyu.core.referral.InviterEvaluation.PendingHold;
import io.siyu.core.referral.InviterRecord;
import io.siyu.core.referral.Interval;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The item layout of the two referral tables (docs/tables.md).
 * <p>
 * ReferralCampaignsTable, {@code pk = corpId}: {@code sk = CAMPAIGN#campaignId} (a campaign, its
 * participant count and per-day participant counters {@code pd#yyyy-MM-dd}),
 * {@code sk = CODE#state} (an inviter code: campaign, inviter, WeCom config) and
 * {@code sk = CATALOG} (a version that moves whenever a campaign is created or archived).
 * <p>
 * ReferralProgressTable, {@code pk = corpId#campaignId}: {@code sk = INVITEE#externalUserId} (the
 * invitee's log, its derived standing and the contribution the counters hold for it),
 * {@code sk = INVITER#externalUserId} (counters, per-day counters {@code cd#}/{@code ld#}/{@code rd#}
 * + day, the last evaluation) and {@code sk = DONE#inviter#tier} (a confirmed completion).
 */
public final class ReferralItems {

    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String CAMPAIGN = "CAMPAIGN#";
    public static final String CODE = "CODE#";
    /** The catalog version item: moves when a campaign is created or archived. */
    public static final String CATALOG = "CATALOG";
    public static final String INVITEE = "INVITEE#";
    public static final String INVITER = "INVITER#";
    public static final String DONE = "DONE#";

    // campaigns
    public static final String CAMPAIGN_ID = "campaignId";
    public static final String NAME = "name";
    public static final String KIND = "kind";
    public static final String MEMBERS = "members";
    public static final String TIERS = "tiers";
    public static final String START_AT = "startAt";
    public static final String END_AT = "endAt";
    public static final String HOLD_SECONDS = "holdSeconds";
    public static final String ONLY_NEW_CUSTOMERS = "onlyNewCustomers";
    public static final String REWARD_DESCRIPTION = "rewardDescription";
    public static final String STATUS = "status";
    public static final String CREATED_AT = "createdAt";
    public static final String CREATED_BY = "createdBy";
    public static final String PARTICIPANTS = "participants";
    public static final String PARTICIPANTS_ON = "pd#";

    // codes
    public static final String STATE = "state";
    public static final String INVITER_ID = "inviter";
    public static final String TOKEN = "token";
    public static final String LEASE_UNTIL = "leaseUntil";
    public static final String CONFIG_ID = "configId";
    public static final String QR_CODE = "qrCode";
    public static final String ISSUED_AT = "issuedAt";

    // invitees
    public static final String INVITEE_ID = "invitee";
    public static final String VERSION = "version";
    public static final String LOG = "log";
    public static final String CREDITED_AT = "creditedAt";
    public static final String CONTRIBUTION = "contribution";
    public static final String INTERVALS = "intervals";
    public static final String CREDIT_KEY = "creditKey";

    // inviters
    public static final String COUNT = "count";
    public static final String CREDITED = "credited";
    public static final String LOSSES = "losses";
    public static final String RETURNS = "returns";
    public static final String CREDITS_ON = "cd#";
    public static final String LOSSES_ON = "ld#";
    public static final String RETURNS_ON = "rd#";
    public static final String CHANGES = "changes";
    public static final String PEAK = "peak";
    public static final String PENDING = "pending";
    public static final String EVALUATED_AT = "evaluatedAt";
    public static final String SWEEP_KEY = "sweepKey";
    public static final String SWEEP_AT = "sweepAt";

    // completions
    public static final String TIER = "tier";
    public static final String REACHED_AT = "reachedAt";
    public static final String COMPLETED_AT = "completedAt";
    public static final String CONFIRMED_AT = "confirmedAt";
    public static final String PUBLISHED_AT = "publishedAt";

    public static final String BY_INVITER = "ByInviter";
    public static final String BY_SWEEP_DUE = "BySweepDue";

    private ReferralItems() {}

    public static String progressPk(String corpId, String campaignId) {
        return corpId + "#" + campaignId;
    }

    public static String creditKey(String corpId, String campaignId, String inviter) {
        return corpId + "#" + campaignId + "#" + inviter;
    }

    public static String doneSk(String inviter, int tier) {
        return DONE + inviter + "#" + String.format("%06d", tier);
    }

    /** The worklist's sort key: due time first (zero-padded millis), then the item, for uniqueness. */
    public static String sweepAt(Instant due, String campaignId, String sk) {
        return String.format("%013d#%s#%s", due.toEpochMilli(), campaignId, sk);
    }

    /** Worklist entries strictly below this are due at {@code now}. */
    public static String sweepBound(Instant now) {
        return String.format("%013d", now.toEpochMilli() + 1);
    }

    // ------------------------------------------------------------------ campaigns

    public static Map<String, AttributeValue> campaignItem(Campaign c) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(c.corpId()));
        item.put(SK, s(CAMPAIGN + c.campaignId()));
        item.put(CAMPAIGN_ID, s(c.campaignId()));
        item.put(NAME, s(c.name()));
        item.put(KIND, s(c.kind().name()));
        item.put(MEMBERS, AttributeValue.fromL(c.members().stream().map(Items::s).toList()));
        item.put(TIERS, AttributeValue.fromL(c.tiers().stream().map(t -> n(t)).toList()));
        item.put(START_AT, n(c.startAt().toEpochMilli()));
        item.put(END_AT, n(c.endAt().toEpochMilli()));
        item.put(HOLD_SECONDS, n(c.hold().toSeconds()));
        item.put(ONLY_NEW_CUSTOMERS, AttributeValue.fromBool(c.onlyNewCustomers()));
        Items.putIfPresent(item, REWARD_DESCRIPTION, c.rewardDescription());
        item.put(STATUS, s(c.status().name()));
        item.put(CREATED_AT, n(c.createdAt().toEpochMilli()));
        Items.putIfPresent(item, CREATED_BY, c.createdBy());
        item.put(PARTICIPANTS, n(c.participants()));
        return item;
    }

    public static Campaign campaign(Map<String, AttributeValue> item) {
        return new Campaign(str(item, PK), str(item, CAMPAIGN_ID), str(item, NAME), CampaignKind.valueOf(str(item, KIND)),
                item.get(MEMBERS).l().stream().map(AttributeValue::s).toList(),
                item.get(TIERS).l().stream().map(v -> Integer.parseInt(v.n())).toList(),
                instant(item, START_AT), instant(item, END_AT), Duration.ofSeconds(num(item, HOLD_SECONDS, 0)),
                item.get(ONLY_NEW_CUSTOMERS) == null || Boolean.TRUE.equals(item.get(ONLY_NEW_CUSTOMERS).bool()),
                str(item, REWARD_DESCRIPTION), CampaignStatus.valueOf(str(item, STATUS)), instant(item, CREATED_AT),
                str(item, CREATED_BY), num(item, PARTICIPANTS, 0));
    }

    public static Map<LocalDate, Long> participantsByDay(Map<String, AttributeValue> item) {
        Map<LocalDate, Long> out = new TreeMap<>();
        item.forEach((name, v) -> {
            if (name.startsWith(PARTICIPANTS_ON) && v.n() != null) {
                out.put(LocalDate.parse(name.substring(PARTICIPANTS_ON.length())), Long.parseLong(v.n()));
            }
        });
        return out;
    }

    public static InviterCode code(String corpId, Map<String, AttributeValue> item) {
        return new InviterCode(corpId, str(item, CAMPAIGN_ID), str(item, INVITER_ID), str(item, STATE),
                InviterCode.Status.valueOf(str(item, STATUS)), str(item, CONFIG_ID), str(item, QR_CODE), instant(item, ISSUED_AT));
    }

    // ------------------------------------------------------------------ invitees

    public static Map<String, AttributeValue> inviteeItem(String corpId, String campaignId, InviteeRecord r) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(progressPk(corpId, campaignId)));
        item.put(SK, s(INVITEE + r.invitee()));
        item.put(INVITEE_ID, s(r.invitee()));
        item.put(CAMPAIGN_ID, s(campaignId));
        item.put(VERSION, n(r.version()));
        item.put(LOG, AttributeValue.fromL(r.log().stream().map(ReferralItems::entry).toList()));
        InviteeOutcome o = r.outcome();
        if (o.credited()) {
            item.put(INVITER_ID, s(o.inviter()));
            item.put(CREDITED_AT, n(o.creditedAt().toEpochMilli()));
            item.put(CREDIT_KEY, s(creditKey(corpId, campaignId, o.inviter())));
            item.put(CONTRIBUTION, contribution(o.contribution()));
            item.put(INTERVALS, AttributeValue.fromL(o.intervals().stream().map(ReferralItems::interval).toList()));
        }
        return item;
    }

    public static InviteeRecord invitee(String invitee, Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            return InviteeRecord.empty(invitee);
        }
        List<InviteeEntry> log = item.get(LOG).l().stream().map(v -> entry(v.m())).toList();
        String inviter = str(item, INVITER_ID);
        InviteeOutcome outcome = inviter == null ? InviteeOutcome.NONE
                : new InviteeOutcome(inviter, instant(item, CREDITED_AT), contribution(item.get(CONTRIBUTION).m()),
                intervals(item.get(INTERVALS)));
        return new InviteeRecord(invitee, num(item, VERSION, 0), log, outcome);
    }

    private static AttributeValue entry(InviteeEntry e) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        m.put("at", n(e.at().toEpochMilli()));
        m.put("id", s(e.eventId()));
        m.put("k", s(e.kind() == InviteeEntry.Kind.ENTER ? "E" : "X"));
        m.put("s", s(e.subject()));
        if (e.inviter() != null) {
            m.put("i", s(e.inviter()));
        }
        if (e.preexisting()) {
            m.put("p", AttributeValue.fromBool(true));
        }
        return AttributeValue.fromM(m);
    }

    private static InviteeEntry entry(Map<String, AttributeValue> m) {
        return new InviteeEntry(instant(m, "at"), str(m, "id"), "E".equals(str(m, "k")) ? InviteeEntry.Kind.ENTER
                : InviteeEntry.Kind.EXIT, str(m, "s"), str(m, "i"), m.get("p") != null && Boolean.TRUE.equals(m.get("p").bool()));
    }

    private static AttributeValue contribution(Contribution c) {
        Map<String, AttributeValue> days = new LinkedHashMap<>();
        c.days().forEach((d, v) -> days.put(d.toString(), AttributeValue.fromL(List.of(n(v.credits()), n(v.losses()),
                n(v.returns())))));
        return AttributeValue.fromM(Map.of(COUNT, n(c.count()), CREDITED, n(c.credited()), LOSSES, n(c.losses()),
                RETURNS, n(c.returns()), "days", AttributeValue.fromM(days)));
    }

    private static Contribution contribution(Map<String, AttributeValue> m) {
        Map<LocalDate, DayCounts> days = new TreeMap<>();
        m.get("days").m().forEach((d, v) -> days.put(LocalDate.parse(d), new DayCounts(Long.parseLong(v.l().get(0).n()),
                Long.parseLong(v.l().get(1).n()), Long.parseLong(v.l().get(2).n()))));
        return new Contribution(num(m, COUNT, 0), num(m, CREDITED, 0), num(m, LOSSES, 0), num(m, RETURNS, 0), days);
    }

    private static AttributeValue interval(Interval i) {
        return i.to() == null ? AttributeValue.fromL(List.of(n(i.from().toEpochMilli())))
                : AttributeValue.fromL(List.of(n(i.from().toEpochMilli()), n(i.to().toEpochMilli())));
    }

    public static List<Interval> intervals(AttributeValue list) {
        List<Interval> out = new ArrayList<>();
        if (list == null || !list.hasL()) {
            return out;
        }
        for (AttributeValue v : list.l()) {
            Instant from = Instant.ofEpochMilli(Long.parseLong(v.l().get(0).n()));
            Instant to = v.l().size() > 1 ? Instant.ofEpochMilli(Long.parseLong(v.l().get(1).n())) : null;
            out.add(new Interval(from, to));
        }
        return out;
    }

    // ------------------------------------------------------------------ inviters and completions

    /** The per-day counter attribute names of a day: credits, losses, returns. */
    public static List<String> dayAttributes(LocalDate day) {
        return List.of(CREDITS_ON + day, LOSSES_ON + day, RETURNS_ON + day);
    }

    public static InviterRecord inviter(String campaignId, Map<String, AttributeValue> item) {
        Map<LocalDate, DayCounts> days = new TreeMap<>();
        item.forEach((name, v) -> {
            if (v.n() == null) {
                return;
            }
            long value = Long.parseLong(v.n());
            if (name.startsWith(CREDITS_ON)) {
                days.merge(LocalDate.parse(name.substring(CREDITS_ON.length())), new DayCounts(value, 0, 0), DayCounts::plus);
            } else if (name.startsWith(LOSSES_ON)) {
                days.merge(LocalDate.parse(name.substring(LOSSES_ON.length())), new DayCounts(0, value, 0), DayCounts::plus);
            } else if (name.startsWith(RETURNS_ON)) {
                days.merge(LocalDate.parse(name.substring(RETURNS_ON.length())), new DayCounts(0, 0, value), DayCounts::plus);
            }
        });
        days.values().removeIf(DayCounts::isZero);
        List<PendingHold> pending = new ArrayList<>();
        if (item.get(PENDING) != null && item.get(PENDING).hasL()) {
            for (AttributeValue v : item.get(PENDING).l()) {
                pending.add(new PendingHold((int) num(v.m(), TIER, 0), instant(v.m(), "since"), instant(v.m(), "until")));
            }
        }
        return new InviterRecord(campaignId, str(item, INVITER_ID), num(item, COUNT, 0), num(item, CREDITED, 0),
                num(item, LOSSES, 0), num(item, RETURNS, 0), days, num(item, CHANGES, 0), num(item, PEAK, 0), pending,
                instant(item, EVALUATED_AT));
    }

    public static AttributeValue pending(List<PendingHold> holds) {
        return AttributeValue.fromL(holds.stream().map(h -> AttributeValue.fromM(Map.of(TIER, n(h.tier()),
                "since", n(h.since().toEpochMilli()), "until", n(h.until().toEpochMilli())))).toList());
    }

    public static Map<String, AttributeValue> completionItem(Completion c) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(progressPk(c.corpId(), c.campaignId())));
        item.put(SK, s(doneSk(c.inviterExternalUserId(), c.tier())));
        item.put(CAMPAIGN_ID, s(c.campaignId()));
        item.put(INVITER_ID, s(c.inviterExternalUserId()));
        item.put(TIER, n(c.tier()));
        item.put(REACHED_AT, n(c.reachedAt().toEpochMilli()));
        item.put(COMPLETED_AT, n(c.completedAt().toEpochMilli()));
        item.put(CONFIRMED_AT, n(c.confirmedAt().toEpochMilli()));
        Items.putIfPresent(item, PUBLISHED_AT, c.publishedAt());
        return item;
    }

    public static Completion completion(String corpId, Map<String, AttributeValue> item) {
        return new Completion(corpId, str(item, CAMPAIGN_ID), str(item, INVITER_ID), (int) num(item, TIER, 0),
                instant(item, REACHED_AT), instant(item, COMPLETED_AT), instant(item, CONFIRMED_AT), instant(item, PUBLISHED_AT));
    }
}
