package io.siyu.bench.coldstart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.siyu.bench.HttpApiRequests;
import io.siyu.core.orders.CustomerRef;
import io.siyu.core.orders.Order;
import io.siyu.core.orders.OrderStatus;
import io.siyu.dynamodb.OrderItems;
import io.siyu.emulators.LocalEnvironment;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.EventBridgeEvents;
import io.siyu.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One realistic event per function, in the JSON its event source delivers: a signed WeCom callback
 * through API Gateway, a ContactAdded from the bus, an admin request with the authoriser's claims.
 */
final class ColdStartEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final AwsEmulators aws;

    ColdStartEvents(AwsEmulators aws) {
        this.aws = aws;
        aws.wecomStub().ok("externalcontact/get", "{\"errcode\":0,\"errmsg\":\"ok\",\"external_contact\":{\"external_userid\":"
                + "\"wmColdStart\",\"name\":\"冷启动\",\"type\":1},\"follow_user\":[],\"next_cursor\":\"\"}")
                .ok("externalcontact/mark_tag").ok("externalcontact/send_welcome_msg");
    }

    /** The event for a function, or empty when this benchmark has none for it yet. */
    Optional<String> forFunction(String logicalId) {
        return Optional.ofNullable(switch (logicalId) {
            case "CallbackFunction" -> callback();
            case "AttributionFunction" -> contactAdded("ch_none0000");
            case "ReferralFunction" -> contactAdded("rf_none0000");
            case "AdminFunction" -> HttpApiRequests.event("GET", "/admin/channels", Map.of(), null, true);
            // Scheduled functions get their schedule's Input (template.yaml) with the time filled in.
            case "SopDeliverySyncFunction" -> "{}"; // its schedule has no Input
            case "ReferralSweepFunction" -> "{\"sweep\": \"referral\"}";
            case "RfmDailyFunction" -> "{\"scheduledTime\":\"" + Instant.now() + "\"}";
            // The fixture's code is not registered: one GetItem, then 404.
            case "LinksFunction" -> io.siyu.testing.Fixtures.text("apigw/http-api-v2-link.json");
            case "OrdersFunction" -> HttpApiRequests.signedOrder("COLD-" + UUID.randomUUID(), "wmColdStart", 12_900);
            // A queue message naming a chain or dispatch that does not exist: read, found absent, acknowledged.
            case "SopPlannerChainsFunction" -> sqs("{\"chain\":\"" + AwsEmulators.CORP_ID + "#cold#s1#2026-01-01T00:00#staff:x\"}");
            case "SopSenderFunction" -> sqs("{\"dispatch\":\"" + AwsEmulators.CORP_ID + "#cold#s1#2026-01-01T00:00#staff:x#x#0001\"}");
            case "RfmFunction" -> orderStreamRecord();
            case "SopPlannerFunction" -> "{\"scheduledTime\":\"" + Instant.now() + "\",\"executionId\":\"" + UUID.randomUUID() + "\"}";
            default -> null;
        });
    }

    private static String contactAdded(String state) {
        return EventBridgeEvents.json("siyu.wecom", "ContactAdded", "{\"eventId\":\"cold-" + UUID.randomUUID() + "\",\"corpId\":\""
                + AwsEmulators.CORP_ID + "\",\"occurredAt\":\"" + Instant.now() + "\",\"userId\":\"zhangsan\","
                + "\"externalUserId\":\"wmColdStart\",\"state\":\"" + state + "\",\"welcomeCode\":\"CODE\","
                + "\"pendingConfirmation\":false}", Instant.now());
    }

    private static String sqs(String body) {
        try {
            ObjectNode event = (ObjectNode) JSON.readTree(Fixtures.text("sqs/sqs-event.json"));
            ObjectNode record = (ObjectNode) event.get("Records").get(0);
            record.put("messageId", UUID.randomUUID().toString()).put("body", body);
            return JSON.writeValueAsString(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One INSERT of a paid order from the Orders table's stream (NEW_AND_OLD_IMAGES), as Lambda delivers it. */
    private String orderStreamRecord() {
        Instant now = Instant.now();
        Order order = new Order(AwsEmulators.CORP_ID, "COLD-" + UUID.randomUUID(), LocalEnvironment.ORDER_SOURCE,
                CustomerRef.externalUser("wmColdStart"), "wmColdStart", null, 12_900, 0, Order.CURRENCY, OrderStatus.PAID, now, now);
        Map<String, AttributeValue> item = OrderItems.item(order, now);
        ObjectNode dynamodb = JSON.createObjectNode().put("ApproximateCreationDateTime", now.getEpochSecond());
        dynamodb.putObject("Keys").set(OrderItems.PK, streamJson(item.get(OrderItems.PK)));
        ObjectNode image = dynamodb.putObject("NewImage");
        item.forEach((k, v) -> image.set(k, streamJson(v)));
        dynamodb.put("SequenceNumber", Long.toString(System.nanoTime())).put("SizeBytes", 300).put("StreamViewType", "NEW_AND_OLD_IMAGES");
        ObjectNode record = JSON.createObjectNode().put("eventID", UUID.randomUUID().toString().replace("-", ""))
                .put("eventName", "INSERT").put("eventVersion", "1.1").put("eventSource", "aws:dynamodb")
                .put("awsRegion", aws.endpoints().region()).put("eventSourceARN", aws.stack().streamArn("OrdersTable"));
        record.set("dynamodb", dynamodb);
        ObjectNode event = JSON.createObjectNode();
        event.putArray("Records").add(record);
        return event.toString();
    }

    /** An attribute in the stream's JSON (only what an order item holds: strings and numbers). */
    private static ObjectNode streamJson(AttributeValue v) {
        return v.s() != null ? JSON.createObjectNode().put("S", v.s()) : JSON.createObjectNode().put("N", v.n());
    }

    private static String callback() {
        return HttpApiRequests.signedCallback(HttpApiRequests.addExternalContact("wmColdStart", UUID.randomUUID().toString()));
    }
}
