package io.siyu.functions.referral;

import io.siyu.testing.TestClock;

import static io.siyu.dynamodb.Items.n;
import static io.siyu.dynamodb.Items.s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.siyu.core.events.ContactAdded;
import io.siyu.core.events.ContactRemoved;
import io.siyu.core.events.DomainEvent;
import io.siyu.core.events.GroupMemberJoined;
import io.siyu.core.events.GroupMemberLeft;
import io.siyu.core.referral.Campaign;
import io.siyu.core.referral.CampaignKind;
import io.siyu.core.referral.CampaignStatus;
import io.siyu.core.referral.Completion;
import io.siyu.core.referral.InviterRecord;
import io.siyu.core.referral.ReferralCampaigns;
import io.siyu.core.referral.ReferralCodes;
import io.siyu.dynamodb.ContactItems;
import io.siyu.dynamodb.DynamoDbReferralCampaigns;
import io.siyu.dynamodb.DynamoDbReferralProgress;
import io.siyu.emulators.LambdaContext;
import io.siyu.eventbus.DomainEventJson;
import io.siyu.lambda.Env;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.EventBridgeEvents;
import io.siyu.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The referral functions as deployed (built by their public constructors, or with a test clock
 * for the sweep, from the template's environment) against the emulated tables, bus and WeCom,
 * with helpers to set up campaigns, codes and known customers and to deliver events as
 * EventBridge delivers them.
 */
final class ReferralFixture {

    static final String CORP = AwsEmulators.CORP_ID;
    static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
    static final Instant END = Instant.parse("2026-11-30T00:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    final AwsEmulators aws;
    final DynamoDbReferralCampaigns campaigns;
    final DynamoDbReferralProgress progress;
    private final Random random;
    private final AtomicInteger ids = new AtomicInteger();
    private ReferralHandler handler;
    private TestClock clock;

    ReferralFixture(AwsEmulators aws, long seed) {
        this.aws = aws;
        this.random = new Random(seed);
        campaigns = new DynamoDbReferralCampaigns(aws.dynamoDb(), aws.stack().tableName("ReferralCampaignsTable"));
        progress = new DynamoDbReferralProgress(aws.dynamoDb(), aws.stack().tableName("ReferralProgressTable"));
    }

    /**
     * Processing time follows a test clock from now on: each delivery happens at its event's time
     * (or later), and sweeps run at the time they are given.
     */
    ReferralFixture withClock() {
        clock = new TestClock(START);
        handler = null;
        return this;
    }

    /** The handler (its campaign cache starts empty), built from the template's environment. */
    ReferralHandler handler() {
        if (handler == null) {
            Env.use(aws.environmentOf("ReferralFunction"));
            try {
                handler = clock == null ? new ReferralHandler() : new ReferralHandler(ReferralConfig.fromEnvironment().service(clock));
            } finally {
                Env.useProcessEnvironment();
            }
        }
        return handler;
    }

    Campaign campaign(CampaignKind kind, List<String> members, List<Integer> tiers, Duration hold, boolean onlyNew) {
        while (true) { // a repeated seed repeats ids: draw again until the id is free
            Campaign c = new Campaign(CORP, ReferralCodes.newCampaignId(random), "test", kind, members, tiers, START, END, hold,
                    onlyNew, "a gift", CampaignStatus.ACTIVE, START, "test", 0);
            if (campaigns.create(c)) {
                return c;
            }
        }
    }

    Campaign friendCampaign(Integer... tiers) {
        return campaign(CampaignKind.FRIEND, List.of("zhangsan", "lisi"), List.of(tiers), Duration.ZERO, true);
    }

    /** Issues {@code inviter}'s code as the admin API does (without WeCom): the state its poster carries. */
    String code(Campaign c, String inviter) {
        String state = ReferralCodes.state(c.campaignId(), inviter, 0);
        ReferralCampaigns.Claim claim = campaigns.claimCode(CORP, c.campaignId(), inviter, state, "t", START, Duration.ofMinutes(1));
        if (claim instanceof ReferralCampaigns.Claim.Acquired) {
            campaigns.completeCode(CORP, c.campaignId(), inviter, state, "t", "cfg-" + inviter, "https://qr/" + inviter, START);
        }
        return state;
    }

    /** Records what attribution would have: {@code externalUserId} was first added by {@code userId} at {@code firstAddedAt}. */
    void knownCustomer(String externalUserId, String userId, Instant firstAddedAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(ContactItems.PK, s(ContactItems.pk(CORP, externalUserId)));
        item.put(ContactItems.SK, s(ContactItems.REL + userId));
        item.put(ContactItems.EXTERNAL_USER_ID, s(externalUserId));
        item.put(ContactItems.USER_ID, s(userId));
        item.put(ContactItems.STATUS, s("ACTIVE"));
        item.put(ContactItems.FIRST_ADDED_AT, n(firstAddedAt.toEpochMilli()));
        item.put(ContactItems.ADDED_AT, n(firstAddedAt.toEpochMilli()));
        item.put(ContactItems.ADD_COUNT, n(1));
        aws.dynamoDb().putItem(b -> b.tableName(aws.stack().tableName("ContactsTable")).item(item));
    }

    static Instant at(int hours) {
        return START.plus(Duration.ofHours(hours));
    }

    String nextId() {
        return "ev-" + ids.incrementAndGet();
    }

    ContactAdded added(Instant at, String staff, String invitee, String state) {
        return new ContactAdded(nextId(), CORP, at, staff, invitee, state, null, false);
    }

    ContactRemoved removed(Instant at, String staff, String invitee, ContactRemoved.RemovedBy by) {
        return new ContactRemoved(nextId(), CORP, at, staff, invitee, by, null);
    }

    GroupMemberJoined joined(Instant at, String chat, String version, String... members) {
        return new GroupMemberJoined(nextId(), CORP, at, chat, List.of(members), 3, members.length, null, version);
    }

    GroupMemberLeft left(Instant at, String chat, String... members) {
        return new GroupMemberLeft(nextId(), CORP, at, chat, List.of(members), 0, members.length, null, null);
    }

    /** Delivers the event as an EventBridge rule does: the event envelope with this event as detail. */
    void deliver(DomainEvent event) {
        if (clock != null) {
            clock.advanceTo(event.occurredAt());
        }
        deliverRaw(eventBridgeJson(event));
    }

    void deliverRaw(String json) {
        handler().handleRequest(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(),
                new LambdaContext("referral", 20));
    }

    static String eventBridgeJson(DomainEvent event) {
        return EventBridgeEvents.json(event.eventSource(), event.detailType(), DomainEventJson.detail(event), event.occurredAt());
    }

    /**
     * groupchat/get answers as WeCom documents (fixtures/wecom/api/groupchat_get_with_state.json),
     * with these external members.
     */
    void groupMembers(String chatId, String memberVersion, List<GroupMember> members) {
        try {
            ObjectNode reply = (ObjectNode) JSON.readTree(Fixtures.text("wecom/api/groupchat_get_with_state.json"));
            ObjectNode group = (ObjectNode) reply.get("group_chat");
            group.put("chat_id", chatId);
            if (memberVersion == null) {
                group.remove("member_version");
            } else {
                group.put("member_version", memberVersion);
            }
            ArrayNode list = (ArrayNode) group.get("member_list");
            JsonNode template = list.get(1);
            while (list.size() > 1) {
                list.remove(1);
            }
            for (GroupMember m : members) {
                ObjectNode member = template.deepCopy();
                member.put("userid", m.userId());
                member.put("join_time", m.joinTime().getEpochSecond());
                if (m.state() == null) {
                    member.remove("state");
                } else {
                    member.put("state", m.state());
                }
                list.add(member);
            }
            aws.wecomStub().ok("externalcontact/groupchat/get", JSON.writeValueAsString(reply));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An external member as groupchat/get lists it: who, when they joined, through which join-way state. */
    record GroupMember(String userId, Instant joinTime, String state) {}

    static GroupMember member(String userId, Instant joinTime, String state) {
        return new GroupMember(userId, joinTime, state);
    }

    InviterRecord inviter(Campaign c, String inviter) {
        return progress.inviter(CORP, c.campaignId(), inviter).orElse(new InviterRecord(c.campaignId(), inviter, 0, 0, 0, 0,
                Map.of(), 0, 0, List.of(), null));
    }

    long count(Campaign c, String inviter) {
        return inviter(c, inviter).count();
    }

    List<Completion> completions(Campaign c) {
        return progress.completions(CORP, c.campaignId());
    }

    /** One sweep at {@code now}, built from the sweep function's template environment. */
    ReferralSweep.Result sweep(Instant now) {
        if (clock != null) {
            clock.advanceTo(now);
        }
        Env.use(aws.environmentOf("ReferralSweepFunction"));
        try {
            return ReferralSweepConfig.fromEnvironment().sweep(clock != null ? clock : Clock.fixed(now, ZoneOffset.UTC))
                    .run(() -> true);
        } finally {
            Env.useProcessEnvironment();
        }
    }
}
