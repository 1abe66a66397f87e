package io.siyu.functions.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.siyu.core.channels.Channel;
import io.siyu.core.channels.ChannelDay;
import io.siyu.core.channels.WelcomeMessage;
import io.siyu.core.contacts.Customer;
import io.siyu.core.contacts.Relationship;
import io.siyu.core.contacts.RelationshipStatus;
import io.siyu.core.events.ContactAdded;
import io.siyu.core.events.ContactEdited;
import io.siyu.core.events.ContactRemoved;
import io.siyu.core.events.ContactRemoved.RemovedBy;
import io.siyu.core.events.DomainEvent;
import io.siyu.dynamodb.DynamoDbChannelStats;
import io.siyu.dynamodb.DynamoDbChannels;
import io.siyu.dynamodb.DynamoDbContactDirectory;
import io.siyu.emulators.LambdaContext;
import io.siyu.eventbus.DomainEventJson;
import io.siyu.lambda.Env;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import io.siyu.testing.EventBridgeEvents;
import io.siyu.testing.WeComStub;
import io.siyu.wecom.api.WeComException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class AttributionHandlerTest {

    private static final String CORP = AwsEmulators.CORP_ID;
    private static final String CUSTOMER = "wmAJ2GCAAAXtWyujaWJHDDGi0mACHAAA";
    private static final String PROFILE = "{\"errcode\":0,\"errmsg\":\"ok\",\"external_contact\":{\"external_userid\":\"" + CUSTOMER
            + "\",\"name\":\"李四\",\"type\":1,\"gender\":1,\"unionid\":\"ozynqsulJFCZ2z1aYeS8h-nuasdAAA\"},"
            + "\"follow_user\":[{\"userid\":\"zhangsan\",\"createtime\":1525779812,\"tags\":[{\"group_name\":\"g\",\"tag_name\":\"VIP\","
            + "\"tag_id\":\"etVIP\",\"type\":1}],\"add_way\":1,\"state\":\"ch_store0001\"}],\"next_cursor\":\"\"}";

    private AwsEmulators aws;
    private WeComStub wecom;
    private AttributionHandler handler;
    private DynamoDbContactDirectory contacts;
    private DynamoDbChannelStats stats;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        this.aws = aws;
        aws.reset();
        Env.use(aws.environmentOf("AttributionFunction"));
        handler = new AttributionHandler();
        contacts = new DynamoDbContactDirectory(aws.dynamoDb(), aws.stack().tableName("ContactsTable"));
        stats = new DynamoDbChannelStats(aws.dynamoDb(), aws.stack().tableName("ChannelStatsTable"));
        wecom = aws.wecomStub().ok("externalcontact/mark_tag").ok("externalcontact/send_welcome_msg")
                .ok("externalcontact/get", PROFILE);
        new DynamoDbChannels(aws.dynamoDb(), aws.stack().tableName("ChannelsTable")).save(new Channel(CORP, "store0001",
                "门店A桌贴", List.of("zhangsan"), true, List.of("etStoreA", "etNew"),
                new WelcomeMessage("欢迎光临", new WelcomeMessage.Attachment(WelcomeMessage.Attachment.Type.LINK, null, "新客礼包",
                        "https://shop.example.com/gift", null, "进店领取", null, null)),
                null, "cfg1", "https://p.qpic.cn/qr1", null, null, Channel.Status.ACTIVE, Instant.now(), Instant.now(), "op"));
    }

    @AfterEach
    void restore() {
        Env.useProcessEnvironment();
    }

    private void deliver(DomainEvent e) {
        handler.handleRequest(EventBridgeEvents.stream("siyu.wecom", e.detailType(), DomainEventJson.detail(e), e.occurredAt()),
                new ByteArrayOutputStream(), new LambdaContext("attribution", 15));
    }

    private static ContactAdded added(String staff, String state, Instant at) {
        return new ContactAdded(at.getEpochSecond() + "-" + UUID.randomUUID(), CORP, at, staff, CUSTOMER, state, "WELCOMECODE", false);
    }

    private static ContactRemoved removed(String staff, RemovedBy by, Instant at) {
        return new ContactRemoved(at.getEpochSecond() + "-" + UUID.randomUUID(), CORP, at, staff, CUSTOMER, by, null);
    }

    private Relationship relationship(String staff) {
        return contacts.relationships(CORP, CUSTOMER).stream().filter(r -> r.userId().equals(staff)).findFirst().orElseThrow();
    }

    private ChannelDay statsOf(String channel, Instant at) {
        LocalDate day = at.atZone(ZoneId.of("Asia/Shanghai")).toLocalDate();
        return stats.days(CORP, channel, day, day).stream().findFirst().orElse(ChannelDay.empty(day));
    }

    @Test
    void aNewCustomerIsRecordedGreetedTaggedAndProfiled() {
        Instant now = Instant.now();
        deliver(added("zhangsan", "ch_store0001", now));

        Relationship r = relationship("zhangsan");
        assertThat(r.status()).isEqualTo(RelationshipStatus.ACTIVE);
        assertThat(r.channelId()).isEqualTo("store0001");
        assertThat(r.tagIds()).containsExactlyInAnyOrder("etStoreA", "etNew");
        Customer c = contacts.customer(CORP, CUSTOMER).orElseThrow();
        assertThat(c.firstChannelId()).isEqualTo("store0001");
        assertThat(c.name()).isEqualTo("李四");
        assertThat(c.unionId()).isEqualTo("ozynqsulJFCZ2z1aYeS8h-nuasdAAA");
        assertThat(contacts.customerByUnionId(CORP, "ozynqsulJFCZ2z1aYeS8h-nuasdAAA")).contains(c);

        JsonNode welcome = wecom.bodies("externalcontact/send_welcome_msg").get(0);
        assertThat(welcome.path("welcome_code").asText()).isEqualTo("WELCOMECODE");
        assertThat(welcome.path("text").path("content").asText()).isEqualTo("欢迎光临");
        assertThat(welcome.path("attachments").get(0).path("link").path("url").asText()).isEqualTo("https://shop.example.com/gift");
        JsonNode tag = wecom.bodies("externalcontact/mark_tag").get(0);
        assertThat(tag.path("userid").asText()).isEqualTo("zhangsan");
        assertThat(tag.path("external_userid").asText()).isEqualTo(CUSTOMER);
        assertThat(tag.path("add_tag").toString()).isEqualTo("[\"etStoreA\",\"etNew\"]");

        ChannelDay day = statsOf("store0001", now);
        assertThat(day.newCustomers()).isEqualTo(1);
        assertThat(day.adds()).isEqualTo(1);
        assertThat(day.cohort()).isEqualTo(1);
    }

    @Test
    void aDuplicateAddCreatesOneRelationshipTagsOnceGreetsOnceCountsOnce() {
        ContactAdded e = added("zhangsan", "ch_store0001", Instant.now());
        deliver(e);
        deliver(e);
        deliver(e);
        assertThat(contacts.relationships(CORP, CUSTOMER)).hasSize(1);
        assertThat(wecom.calls("externalcontact/send_welcome_msg")).isEqualTo(1);
        assertThat(wecom.calls("externalcontact/mark_tag")).isEqualTo(1);
        assertThat(wecom.calls("externalcontact/get")).isEqualTo(1);
        assertThat(statsOf("store0001", e.occurredAt()).newCustomers()).isEqualTo(1);
        assertThat(statsOf("store0001", e.occurredAt()).adds()).isEqualTo(1);
    }

    @Test
    void aRemovalArrivingBeforeItsAddLeavesTheRelationshipLostWithCorrectStats() {
        Instant addedAt = Instant.now().minusSeconds(60);
        Instant removedAt = addedAt.plusSeconds(30);
        deliver(removed("zhangsan", RemovedBy.CUSTOMER, removedAt));
        assertThat(relationship("zhangsan").status()).isEqualTo(RelationshipStatus.LOST);
        assertThat(statsOf("store0001", addedAt).newCustomers()).isZero();

        deliver(added("zhangsan", "ch_store0001", addedAt));
        Relationship r = relationship("zhangsan");
        assertThat(r.status()).isEqualTo(RelationshipStatus.LOST);
        assertThat(r.lostBy()).isEqualTo(RemovedBy.CUSTOMER);
        assertThat(r.channelId()).isEqualTo("store0001");
        assertThat(statsOf("store0001", addedAt).newCustomers()).isEqualTo(1);
        assertThat(statsOf("store0001", removedAt).lostByCustomer()).isEqualTo(1);
        assertThat(statsOf("store0001", removedAt).net()).isZero();
        assertThat(wecom.calls("externalcontact/send_welcome_msg")).as("no greeting for a customer already gone").isZero();
        assertThat(wecom.calls("externalcontact/mark_tag")).isZero();
        assertThat(contacts.customer(CORP, CUSTOMER).orElseThrow().isContact()).isFalse();
    }

    @Test
    void aReAddAfterDeletingIsAReturnNotANewCustomer() {
        Instant t0 = Instant.now().minusSeconds(120);
        deliver(added("zhangsan", "ch_store0001", t0));
        deliver(removed("zhangsan", RemovedBy.STAFF, t0.plusSeconds(10)));
        deliver(added("zhangsan", "ch_store0001", t0.plusSeconds(100)));
        ChannelDay day = statsOf("store0001", t0.plusSeconds(100));
        assertThat(day.newCustomers()).isEqualTo(1);
        assertThat(day.returning()).isEqualTo(1);
        assertThat(day.lostByStaff()).isEqualTo(1);
        assertThat(day.adds()).isEqualTo(2);
        assertThat(relationship("zhangsan").status()).isEqualTo(RelationshipStatus.ACTIVE);
        assertThat(relationship("zhangsan").addCount()).isEqualTo(2);
    }

    @Test
    void aSecondStaffMemberKeepsTheFirstTouch() {
        Instant t0 = Instant.now().minusSeconds(60);
        deliver(added("zhangsan", "ch_store0001", t0));
        deliver(added("lisi", null, t0.plusSeconds(20)));
        assertThat(contacts.customer(CORP, CUSTOMER).orElseThrow().firstChannelId()).isEqualTo("store0001");
        assertThat(contacts.customer(CORP, CUSTOMER).orElseThrow().activeRelationships()).isEqualTo(2);
        assertThat(statsOf("store0001", t0).newCustomers()).isEqualTo(1);
        assertThat(statsOf("_unattributed", t0).newCustomers()).isZero();
        assertThat(statsOf("_unattributed", t0).adds()).isEqualTo(1);
        deliver(removed("zhangsan", RemovedBy.CUSTOMER, t0.plusSeconds(30)));
        assertThat(statsOf("store0001", t0).lostByCustomer()).as("one of two staff members is not a loss").isZero();
    }

    @Test
    void addsWithoutAStateOrWithAnUnknownOneAreUnattributedAndKeepTheRawState() {
        Instant now = Instant.now();
        deliver(added("zhangsan", "poster-2019", now));
        assertThat(relationship("zhangsan").state()).isEqualTo("poster-2019");
        assertThat(relationship("zhangsan").channelId()).isNull();
        assertThat(contacts.customer(CORP, CUSTOMER).orElseThrow().firstState()).isEqualTo("poster-2019");
        assertThat(statsOf("_unattributed", now).newCustomers()).isEqualTo(1);
        assertThat(wecom.calls("externalcontact/send_welcome_msg")).isZero();
        assertThat(wecom.calls("externalcontact/get")).isEqualTo(1);
    }

    @Test
    void referralStatesAreLeftToTheReferralFeature() {
        Instant now = Instant.now();
        deliver(added("zhangsan", "rf_c1_inviter1", now));
        assertThat(relationship("zhangsan").status()).isEqualTo(RelationshipStatus.ACTIVE);
        assertThat(statsOf("_referral", now).newCustomers()).isEqualTo(1);
        assertThat(wecom.calls("externalcontact/send_welcome_msg")).isZero();
        assertThat(wecom.calls("externalcontact/mark_tag")).isZero();
    }

    @Test
    void aWelcomeCodeOlderThanTwentySecondsIsNotUsedButTheRestHappens() {
        deliver(added("zhangsan", "ch_store0001", Instant.now().minusSeconds(30)));
        assertThat(wecom.calls("externalcontact/send_welcome_msg")).isZero();
        assertThat(wecom.calls("externalcontact/mark_tag")).isEqualTo(1);
        assertThat(relationship("zhangsan").status()).isEqualTo(RelationshipStatus.ACTIVE);
    }

    @Test
    void aFailedGreetingIsCountedNotRetried() {
        wecom.error("externalcontact/send_welcome_msg", 41051, "welcome code already used");
        ContactAdded e = added("zhangsan", "ch_store0001", Instant.now());
        deliver(e);
        deliver(e);
        assertThat(wecom.calls("externalcontact/send_welcome_msg")).isEqualTo(1);
        assertThat(relationship("zhangsan").tagIds()).contains("etStoreA");
    }

    @Test
    void anAccessTokenThatExpiresMidRunIsRefreshedOnce() {
        wecom.sequence("externalcontact/mark_tag", "{\"errcode\":42001,\"errmsg\":\"access_token expired\"}",
                "{\"errcode\":0,\"errmsg\":\"ok\"}");
        deliver(added("zhangsan", "ch_store0001", Instant.now()));
        assertThat(wecom.calls("gettoken")).isEqualTo(2);
        assertThat(wecom.calls("externalcontact/mark_tag")).isEqualTo(2);
        assertThat(relationship("zhangsan").tagIds()).contains("etStoreA", "etNew");
    }

    @Test
    void aFrequencyLimitFailsTheInvocationAndTheRedeliveryFinishesTheTagsWithoutGreetingAgain() {
        wecom.error("externalcontact/mark_tag", 45009, "api freq out of limit");
        ContactAdded e = added("zhangsan", "ch_store0001", Instant.now());
        assertThatThrownBy(() -> deliver(e)).isInstanceOf(WeComException.RateLimited.class);
        assertThat(relationship("zhangsan").status()).isEqualTo(RelationshipStatus.ACTIVE);
        assertThat(relationship("zhangsan").tagIds()).isEmpty();

        wecom.ok("externalcontact/mark_tag");
        deliver(e); // Lambda's retry of the asynchronous invocation
        assertThat(relationship("zhangsan").tagIds()).containsExactlyInAnyOrder("etStoreA", "etNew");
        assertThat(wecom.calls("externalcontact/send_welcome_msg")).isEqualTo(1);
        assertThat(statsOf("store0001", e.occurredAt()).newCustomers()).isEqualTo(1);
    }

    @Test
    void anEditInTheClientRefreshesTheStaffMembersTags() {
        Instant now = Instant.now();
        deliver(added("zhangsan", "ch_store0001", now));
        deliver(new ContactEdited("e-edit", CORP, now.plusSeconds(5), "zhangsan", CUSTOMER));
        assertThat(relationship("zhangsan").tagIds()).containsExactly("etVIP");
    }

    @Test
    void eventsThatAreNotContactEventsOrNotEventsAtAllStoreNothing() {
        LambdaContext ctx = new LambdaContext("attribution", 15);
        assertThatThrownBy(() -> handler.handleRequest(new ByteArrayInputStream("not json".getBytes(StandardCharsets.UTF_8)),
                new ByteArrayOutputStream(), ctx)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> handler.handleRequest(EventBridgeEvents.stream("siyu.wecom", "Nonsense", "{}", Instant.now()),
                new ByteArrayOutputStream(), ctx)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> handler.handleRequest(EventBridgeEvents.stream("siyu.wecom", "ContactAdded", "{\"occurredAt\":\"soon\"}",
                Instant.now()), new ByteArrayOutputStream(), ctx)).isInstanceOf(IllegalArgumentException.class);
        assertThat(aws.dynamoDb().scan(b -> b.tableName(aws.stack().tableName("ContactsTable"))).count()).isZero();
        assertThat(aws.dynamoDb().scan(b -> b.tableName(aws.stack().tableName("ChannelStatsTable"))).count()).isZero();
    }
}
