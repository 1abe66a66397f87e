package io.siyu.functions.rfm;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.siyu.core.contacts.RelationshipStatus;
import io.siyu.core.orders.CustomerRef;
import io.siyu.core.orders.Order;
import io.siyu.core.orders.OrderStatus;
import io.siyu.core.rfm.LifecycleStage;
import io.siyu.core.rfm.RfmState;
import io.siyu.core.rfm.Segment;
import io.siyu.dynamodb.ContactItems;
import io.siyu.dynamodb.DynamoDbOrders;
import io.siyu.dynamodb.DynamoDbRfmRepository;
import io.siyu.dynamodb.Items;
import io.siyu.emulators.LambdaContext;
import io.siyu.lambda.Env;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.StreamRecords;
import io.siyu.testing.WeComStub;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What the rfm tests share: a corp's stack built from the template's environment with a fixed
 * clock, orders written through the real Orders repository, the Orders stream read back from the
 * emulator and handed to the real handler, contacts seeded in their documented item layout, and
 * WeCom's tag API answering as documented.
 */
final class RfmTestKit {

    /** 10:00 on 2026-11-23 in Asia/Shanghai. */
    static final Instant NOW = Instant.parse("2026-11-23T02:00:00Z");
    static final LocalDate TODAY = LocalDate.of(2026, 11, 23);
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    final AwsEmulators aws;
    final String corpId;
    final DynamoDbOrders orders;
    final DynamoDbRfmRepository rfm;
    final StreamRecords stream;
    final RfmStreamHandler handler;
    final RfmService service;

    /**
     * @param corpId the corp under test; tests that share one stack without a reset use one corp each
     * @param stream the Orders stream reader (one per stack: it remembers how far it has read)
     */
    RfmTestKit(AwsEmulators aws, String corpId, StreamRecords stream) {
        this.aws = aws;
        this.corpId = corpId;
        this.stream = stream;
        Map<String, String> env = new HashMap<>(aws.environmentOf("RfmFunction"));
        env.put("WECOM_CORP_ID", corpId);
        Env.use(env);
        try {
            service = RfmConfig.forStream().service(CLOCK);
        } finally {
            Env.useProcessEnvironment();
        }
        handler = new RfmStreamHandler(service);
        orders = new DynamoDbOrders(aws.dynamoDb(), aws.stack().tableName("OrdersTable"));
        rfm = new DynamoDbRfmRepository(aws.dynamoDb(), aws.stack().tableName("RfmTable"), null);
    }

    /** The daily function as the template configures it (its own environment), with the fixed clock. */
    RfmDailyHandler dailyHandler(int catchUpDays) {
        Map<String, String> env = new HashMap<>(aws.environmentOf("RfmDailyFunction"));
        env.put("WECOM_CORP_ID", corpId);
        Env.use(env);
        try {
            return new RfmDailyHandler(RfmConfig.forDaily().service(CLOCK), CLOCK, catchUpDays);
        } finally {
            Env.useProcessEnvironment();
        }
    }

    // ------------------------------------------------------------------ orders and the stream

    static Order paid(String corp, String orderId, CustomerRef customer, long fen, Instant paidAt, Instant updatedAt) {
        return order(corp, orderId, customer, OrderStatus.PAID, fen, 0, paidAt, updatedAt);
    }

    static Order order(String corp, String orderId, CustomerRef customer, OrderStatus status, long fen, long refunded,
                       Instant paidAt, Instant updatedAt) {
        return new Order(corp, orderId, AwsEmulators.ORDER_SOURCE, customer,
                customer.isExternalUser() ? customer.id() : null, customer.isExternalUser() ? null : customer.id(),
                fen, refunded, Order.CURRENCY, status, paidAt, updatedAt);
    }

    Order paid(String orderId, String externalUserId, long fen, Instant paidAt, Instant updatedAt) {
        return paid(corpId, orderId, CustomerRef.externalUser(externalUserId), fen, paidAt, updatedAt);
    }

    void write(Order... orders) {
        for (Order o : orders) {
            this.orders.put(o, NOW);
        }
    }

    void delete(String orderId) {
        aws.dynamoDb().deleteItem(b -> b.tableName(aws.stack().tableName("OrdersTable"))
                .key(Map.of("pk", AttributeValue.fromS(corpId + "#" + orderId))));
    }

    /** The stream records written since the last call. */
    List<DynamodbStreamRecord> records() {
        return stream.next();
    }

    StreamsEventResponse deliver(List<DynamodbStreamRecord> records) {
        return handler.handleRequest(StreamRecords.event(records), new LambdaContext("rfm", 60));
    }

    /** Reads the new stream records and delivers them in one batch, expecting no failure. */
    List<DynamodbStreamRecord> process() {
        List<DynamodbStreamRecord> records = records();
        StreamsEventResponse r = deliver(records);
        if (!r.getBatchItemFailures().isEmpty()) {
            throw new AssertionError("batch reported failures: " + r.getBatchItemFailures());
        }
        return records;
    }

    Optional<RfmState> state(String externalUserId) {
        return rfm.state(corpId, CustomerRef.externalUser(externalUserId));
    }

    Optional<RfmState> state(CustomerRef customer) {
        return rfm.state(corpId, customer);
    }

    // ------------------------------------------------------------------ contacts

    /** A customer as attribution records them: a profile and one relationship per staff member. */
    void contact(String externalUserId, Instant firstAddedAt, String unionId, Map<String, RelationshipStatus> staff) {
        String table = aws.stack().tableName("ContactsTable");
        Map<String, AttributeValue> profile = new HashMap<>();
        profile.put(ContactItems.PK, Items.s(ContactItems.pk(corpId, externalUserId)));
        profile.put(ContactItems.SK, Items.s(ContactItems.PROFILE));
        profile.put(ContactItems.EXTERNAL_USER_ID, Items.s(externalUserId));
        Items.putIfPresent(profile, ContactItems.FIRST_ADDED_AT, firstAddedAt);
        profile.put(ContactItems.ACTIVE_RELATIONSHIPS,
                Items.n(staff.values().stream().filter(s -> s == RelationshipStatus.ACTIVE).count()));
        profile.put(ContactItems.TYPE, Items.n(1));
        if (unionId != null) {
            profile.put(ContactItems.UNION_ID, Items.s(unionId));
            profile.put(ContactItems.UNION_KEY, Items.s(corpId + "#" + unionId));
        }
        aws.dynamoDb().putItem(b -> b.tableName(table).item(profile));
        staff.forEach((userId, status) -> {
            Map<String, AttributeValue> rel = new HashMap<>();
            rel.put(ContactItems.PK, Items.s(ContactItems.pk(corpId, externalUserId)));
            rel.put(ContactItems.SK, Items.s(ContactItems.REL + userId));
            rel.put(ContactItems.EXTERNAL_USER_ID, Items.s(externalUserId));
            rel.put(ContactItems.USER_ID, Items.s(userId));
            rel.put(ContactItems.STATUS, Items.s(status.name()));
            Items.putIfPresent(rel, ContactItems.FIRST_ADDED_AT, firstAddedAt);
            Items.putIfPresent(rel, ContactItems.ADDED_AT, firstAddedAt);
            rel.put(ContactItems.ADD_COUNT, Items.n(1));
            rel.put(ContactItems.STAFF_KEY, Items.s(ContactItems.staffKey(corpId, userId)));
            aws.dynamoDb().putItem(b -> b.tableName(table).item(rel));
        });
    }

    // ------------------------------------------------------------------ WeCom tags

    /** The id WeCom gives the tag named {@code label} in this kit's replies. */
    static String tagId(String label) {
        for (Segment s : Segment.values()) {
            if (s.label().equals(label)) {
                return "etSEG" + s.ordinal();
            }
        }
        for (LifecycleStage s : LifecycleStage.values()) {
            if (s.label().equals(label)) {
                return "etSTAGE" + s.ordinal();
            }
        }
        throw new IllegalArgumentException(label);
    }

    static String tagId(Segment s) {
        return tagId(s.label());
    }

    static String tagId(LifecycleStage s) {
        return tagId(s.label());
    }

    /** add_corp_tag answers with the documented tag_group (wecom-api.md §7); mark_tag answers ok. */
    static void stubTagApi(AwsEmulators aws) {
        WeComStub wecom = aws.wecomStub();
        wecom.okWhenBodyContains("externalcontact/add_corp_tag", RfmTags.SEGMENT_GROUP, tagGroupReply("etGROUPSEG", RfmTags.SEGMENT_GROUP,
                java.util.Arrays.stream(Segment.values()).map(Segment::label).toList()));
        wecom.okWhenBodyContains("externalcontact/add_corp_tag", RfmTags.STAGE_GROUP, tagGroupReply("etGROUPSTAGE", RfmTags.STAGE_GROUP,
                java.util.Arrays.stream(LifecycleStage.values()).map(LifecycleStage::label).toList()));
        wecom.ok("externalcontact/mark_tag");
    }

    static String tagGroupReply(String groupId, String groupName, List<String> names) {
        StringBuilder tags = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            tags.append(i == 0 ? "" : ",").append("{\"id\":\"").append(tagId(names.get(i))).append("\",\"name\":\"")
                    .append(names.get(i)).append("\",\"create_time\":1795400000,\"order\":").append(i).append("}");
        }
        return "{\"errcode\":0,\"errmsg\":\"ok\",\"tag_group\":{\"group_id\":\"" + groupId + "\",\"group_name\":\""
                + groupName + "\",\"create_time\":1795400000,\"order\":0,\"tag\":[" + tags + "]}}";
    }

    /** The corp tags each (staff member, customer) carries after every mark_tag call so far, replayed in order. */
    static Map<String, Set<String>> tagsCarried(AwsEmulators aws) {
        Map<String, Set<String>> carried = new LinkedHashMap<>();
        for (JsonNode call : aws.wecomStub().bodies("externalcontact/mark_tag")) {
            Set<String> tags = carried.computeIfAbsent(call.path("userid").asText() + "/" + call.path("external_userid").asText(),
                    k -> new LinkedHashSet<>());
            call.path("remove_tag").forEach(t -> tags.remove(t.asText()));
            call.path("add_tag").forEach(t -> tags.add(t.asText()));
        }
        return carried;
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(t -> out.add(t.asText()));
        return out;
    }
}
