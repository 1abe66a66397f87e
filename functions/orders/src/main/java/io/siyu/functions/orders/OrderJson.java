package io.siyu.functions.orders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.core.orders.Order;
import io.siyu.core.orders.OrderStatus;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The order wire format (docs/orders.md, "Order"), read and checked field by field. Every
 * problem is collected and reported at once, keyed by field ({@code orders[3].amount_fen} in a
 * batch); a request with any problem is refused whole, so nothing of it is written.
 */
final class OrderJson {

    static final int MAX_BATCH = 500;
    static final long MAX_AMOUNT_FEN = 1_000_000_000_000L;

    private static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Pattern WECOM_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    // Duplicate keys are a problem, not "the last one wins": an amount stated twice is ambiguous.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Duration futureTolerance;

    /** @param futureTolerance how far a time may lie ahead of now (clock skew between the systems) */
    OrderJson(Duration futureTolerance) {
        this.futureTolerance = futureTolerance;
    }

    OrderDraft one(byte[] body, Instant now) {
        JsonNode root = read(body);
        if (!root.isObject()) {
            throw new OrderRejected(400, "invalid_order", "the body must be one JSON order object");
        }
        Map<String, String> errors = new LinkedHashMap<>();
        OrderDraft draft = order(root, "", errors, now);
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        return draft;
    }

    List<OrderDraft> batch(byte[] body, Instant now) {
        JsonNode root = read(body);
        JsonNode orders = root.path("orders");
        if (!root.isObject() || !orders.isArray()) {
            throw new OrderRejected(400, "invalid_order", "the body must be {\"orders\": [...]}",
                    Map.of("orders", "must be an array of orders"));
        }
        if (orders.isEmpty() || orders.size() > MAX_BATCH) {
            throw new OrderRejected(400, "invalid_order", "a batch holds 1 to " + MAX_BATCH + " orders",
                    Map.of("orders", "must hold 1 to " + MAX_BATCH + " orders"));
        }
        Map<String, String> errors = new LinkedHashMap<>();
        List<OrderDraft> drafts = new ArrayList<>();
        for (int i = 0; i < orders.size(); i++) {
            JsonNode o = orders.get(i);
            String prefix = "orders[" + i + "].";
            if (!o.isObject()) {
                errors.put("orders[" + i + "]", "must be an order object");
                continue;
            }
            drafts.add(order(o, prefix, errors, now));
        }
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        return drafts;
    }

    /** The order, or null when it has problems (they are added to {@code errors}). */
    private OrderDraft order(JsonNode o, String prefix, Map<String, String> errors, Instant now) {
        int problemsBefore = errors.size();
        String orderId = text(o, "order_id", prefix, errors, true, ORDER_ID);
        String externalUserId = text(o, "external_userid", prefix, errors, false, WECOM_ID);
        String unionId = text(o, "unionid", prefix, errors, false, WECOM_ID);
        if (externalUserId == null && unionId == null && !errors.containsKey(prefix + "external_userid")
                && !errors.containsKey(prefix + "unionid")) {
            errors.put(prefix + "external_userid", "external_userid or unionid is required");
        }
        Long amount = fen(o, "amount_fen", prefix, errors, true);
        String currency = text(o, "currency", prefix, errors, true, null);
        if (currency != null && !Order.CURRENCY.equals(currency)) {
            errors.put(prefix + "currency", "must be " + Order.CURRENCY + " (amounts in other currencies cannot be summed)");
        }
        OrderStatus status = null;
        String statusText = text(o, "status", prefix, errors, true, null);
        if (statusText != null) {
            try {
                status = OrderStatus.valueOf(statusText);
            } catch (IllegalArgumentException e) {
                errors.put(prefix + "status", "must be PAID, PARTIALLY_REFUNDED, REFUNDED or CANCELLED");
            }
        }
        Long refunded = fen(o, "refunded_fen", prefix, errors, false);
        Instant paidAt = time(o, "paid_at", prefix, errors, status != null && status != OrderStatus.CANCELLED, now);
        Instant updatedAt = time(o, "updated_at", prefix, errors, true, now);
        long refundedFen = refunds(status, amount, refunded, prefix, errors);
        if (errors.size() > problemsBefore) {
            return null;
        }
        return new OrderDraft(orderId, externalUserId, unionId, amount, refundedFen, currency, status, paidAt, updatedAt);
    }

    /** What was refunded, by status: all of it when REFUNDED, part of it when PARTIALLY_REFUNDED, nothing otherwise. */
    private static long refunds(OrderStatus status, Long amount, Long refunded, String prefix, Map<String, String> errors) {
        String field = prefix + "refunded_fen";
        if (status == null || amount == null || errors.containsKey(field)) {
            return 0;
        }
        switch (status) {
            case PARTIALLY_REFUNDED -> {
                if (refunded == null) {
                    errors.put(field, "is required when status is PARTIALLY_REFUNDED");
                } else if (refunded <= 0 || refunded >= amount) {
                    errors.put(field, "must be more than 0 and less than amount_fen when status is PARTIALLY_REFUNDED");
                } else {
                    return refunded;
                }
            }
            case REFUNDED -> {
                if (refunded != null && refunded != amount.longValue()) {
                    errors.put(field, "must equal amount_fen (or be left out) when status is REFUNDED");
                }
                return amount;
            }
            default -> {
                if (refunded != null && refunded != 0) {
                    errors.put(field, "must be 0 (or left out) when status is " + status);
                }
            }
        }
        return 0;
    }

    private static String text(JsonNode o, String name, String prefix, Map<String, String> errors, boolean required,
                               Pattern pattern) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                errors.put(prefix + name, "is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            errors.put(prefix + name, "must be a string");
            return null;
        }
        String s = v.asText();
        if (pattern != null && !pattern.matcher(s).matches()) {
            errors.put(prefix + name, "must be 1 to 64 characters of " + (pattern == ORDER_ID ? "A-Z a-z 0-9 . _ : -" : "A-Z a-z 0-9 _ -"));
            return null;
        }
        if (s.isEmpty()) {
            errors.put(prefix + name, "is required");
            return null;
        }
        return s;
    }

    private static Long fen(JsonNode o, String name, String prefix, Map<String, String> errors, boolean required) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                errors.put(prefix + name, "is required");
            }
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            errors.put(prefix + name, "must be a whole number of fen");
            return null;
        }
        long fen = v.longValue();
        if (fen < 0) {
            errors.put(prefix + name, "must not be negative");
            return null;
        }
        if (fen > MAX_AMOUNT_FEN) {
            errors.put(prefix + name, "must be at most " + MAX_AMOUNT_FEN);
            return null;
        }
        return fen;
    }

    private Instant time(JsonNode o, String name, String prefix, Map<String, String> errors, boolean required, Instant now) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                errors.put(prefix + name, "is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            errors.put(prefix + name, "must be an ISO-8601 time with offset, for example 2026-11-23T10:15:30+08:00");
            return null;
        }
        Instant t;
        try {
            t = OffsetDateTime.parse(v.asText()).toInstant();
        } catch (DateTimeParseException e) {
            errors.put(prefix + name, "must be an ISO-8601 time with offset, for example 2026-11-23T10:15:30+08:00");
            return null;
        }
        // A time from the future would win every later update (updated_at) or skew recency (paid_at).
        if (t.isAfter(now.plus(futureTolerance))) {
            errors.put(prefix + name, "must not be in the future");
            return null;
        }
        return t;
    }

    private static JsonNode read(byte[] body) {
        if (body.length == 0) {
            throw new OrderRejected(400, "invalid_order", "a JSON body is required");
        }
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null) {
                throw new OrderRejected(400, "invalid_order", "a JSON body is required");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new OrderRejected(400, "invalid_json", "the body is not valid JSON");
        } catch (IOException e) {
            throw new OrderRejected(400, "invalid_json", "the body is not valid JSON");
        }
    }

    private static OrderRejected invalid(Map<String, String> errors) {
        Map.Entry<String, String> first = errors.entrySet().iterator().next();
        String message = first.getKey() + " " + first.getValue()
                + (errors.size() == 1 ? "" : " (and " + (errors.size() - 1) + " more)");
        return new OrderRejected(400, "invalid_order", message, errors);
    }
}
