package io.siyu.functions.orders;

import io.siyu.core.contacts.ContactDirectory;
import io.siyu.core.orders.CustomerRef;
import io.siyu.core.orders.OrderRepository;
import io.siyu.core.orders.OrderRepository.PutResult;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The order ingest without Lambda: authenticate, read and check the whole request, then write
 * each order idempotently (a newer {@code updated_at} replaces, an older or equal one is ignored).
 */
final class OrderIngest {

    /** What became of one order, as the caller sees it. */
    enum Result {
        CREATED, REPLACED, IGNORED, CONFLICT;

        static Result of(PutResult r) {
            return switch (r) {
                case CREATED -> CREATED;
                case REPLACED -> REPLACED;
                case STALE -> IGNORED;
                case OWNED_BY_OTHER_SOURCE -> CONFLICT;
            };
        }

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The signature headers as sent. */
    record Credentials(String source, String timestamp, String signature) {}

    private final String corpId;
    private final OrderSignatures signatures;
    private final OrderJson json;
    private final OrderRepository orders;
    private final ContactDirectory contacts;
    private final Clock clock;

    OrderIngest(String corpId, OrderSignatures signatures, OrderJson json, OrderRepository orders,
                ContactDirectory contacts, Clock clock) {
        this.corpId = corpId;
        this.signatures = signatures;
        this.json = json;
        this.orders = orders;
        this.contacts = contacts;
        this.clock = clock;
    }

    /** {@code POST /orders}: one order. A conflict with another source's order is a 409. */
    Map<String, Object> one(Credentials credentials, byte[] body) {
        String source = signatures.verify(credentials.source(), credentials.timestamp(), credentials.signature(), body);
        Instant now = clock.instant();
        OrderDraft draft = json.one(body, now);
        Result result = store(source, draft, now);
        if (result == Result.CONFLICT) {
            throw new OrderRejected(409, "order_owned_by_other_source", "order " + draft.orderId()
                    + " was sent by another source first and belongs to it");
        }
        return reply(draft, result);
    }

    /** {@code POST /orders/batch}: up to {@link OrderJson#MAX_BATCH} orders, written in the order given. */
    Map<String, Object> batch(Credentials credentials, byte[] body) {
        String source = signatures.verify(credentials.source(), credentials.timestamp(), credentials.signature(), body);
        Instant now = clock.instant();
        List<OrderDraft> drafts = json.batch(body, now);
        List<Map<String, Object>> results = new ArrayList<>(drafts.size());
        for (OrderDraft d : drafts) {
            results.add(reply(d, store(source, d, now)));
        }
        return Map.of("results", results);
    }

    private Result store(String source, OrderDraft d, Instant now) {
        return Result.of(orders.put(d.attributedTo(corpId, source, customerOf(d)), now));
    }

    /**
     * external_userid when the order names one; else the contact with this unionid; else the
     * unionid itself (the daily join moves those orders once the contact appears).
     */
    private CustomerRef customerOf(OrderDraft d) {
        if (d.externalUserId() != null) {
            return CustomerRef.externalUser(d.externalUserId());
        }
        return contacts.customerByUnionId(corpId, d.unionId())
                .map(c -> CustomerRef.externalUser(c.externalUserId()))
                .orElse(CustomerRef.unionId(d.unionId()));
    }

    private static Map<String, Object> reply(OrderDraft d, Result result) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("order_id", d.orderId());
        out.put("result", result.wire());
        return out;
    }
}
