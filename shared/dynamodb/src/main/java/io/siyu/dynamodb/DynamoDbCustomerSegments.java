package io.siyu.dynamodb;

import io.siyu.core.orders.CustomerRef;
import io.siyu.core.sop.CustomerSegments;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Customers' RFM segment and lifecycle stage as the RFM capability keeps them (the {@code AGG}
 * record in the RFM table, docs/tables.md), for SOP audiences. A customer with no paid order has
 * no record, hence no segment: an SOP filtering on segments does not select them.
 */
public final class DynamoDbCustomerSegments implements CustomerSegments {

    /** BatchGetItem's limit. */
    private static final int BATCH = 100;
    private static final int MAX_ROUNDS = 8;

    private final DynamoDbClient dynamoDb;
    private final String rfmTable;

    public DynamoDbCustomerSegments(DynamoDbClient dynamoDb, String rfmTable) {
        this.dynamoDb = dynamoDb;
        this.rfmTable = rfmTable;
    }

    @Override
    public Map<String, Segment> segments(String corpId, Collection<String> externalUserIds) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(externalUserIds));
        Map<String, Segment> out = new HashMap<>();
        for (int from = 0; from < ids.size(); from += BATCH) {
            Map<String, String> idByPk = new HashMap<>();
            for (String id : ids.subList(from, Math.min(ids.size(), from + BATCH))) {
                idByPk.put(RfmItems.customerPk(corpId, CustomerRef.externalUser(id)), id);
            }
            readBatch(idByPk, out);
        }
        return out;
    }

    private void readBatch(Map<String, String> idByPk, Map<String, Segment> out) {
        List<Map<String, AttributeValue>> keys = idByPk.keySet().stream().map(pk -> RfmItems.key(pk, RfmItems.AGG)).toList();
        Map<String, KeysAndAttributes> request = Map.of(rfmTable, KeysAndAttributes.builder().keys(keys)
                .projectionExpression("#pk, #seg, #stage")
                .expressionAttributeNames(Map.of("#pk", RfmItems.PK, "#seg", RfmItems.SEGMENT, "#stage", RfmItems.STAGE))
                .build());
        for (int round = 0; !request.isEmpty(); round++) {
            if (round == MAX_ROUNDS) {
                // A partial answer would silently leave customers out of a send: fail the page so it is retried.
                throw new IllegalStateException("RFM table kept returning unprocessed keys after " + MAX_ROUNDS + " rounds");
            }
            backOff(round);
            Map<String, KeysAndAttributes> current = request;
            var response = dynamoDb.batchGetItem(b -> b.requestItems(current));
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(rfmTable, List.of())) {
                AttributeValue segment = item.get(RfmItems.SEGMENT);
                AttributeValue stage = item.get(RfmItems.STAGE);
                if (segment == null && stage == null) {
                    continue; // no paid order left: no standing
                }
                out.put(idByPk.get(item.get(RfmItems.PK).s()), new Segment(segment == null ? null : segment.s(), stage == null ? null : stage.s()));
            }
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
    }

    private static void backOff(int round) {
        if (round == 0) {
            return;
        }
        try {
            Thread.sleep(Math.min(1_000L, 25L << round));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading RFM segments", e);
        }
    }
}
