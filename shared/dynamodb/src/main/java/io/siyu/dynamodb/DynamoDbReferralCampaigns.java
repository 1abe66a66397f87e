package io.siyu.dynamodb;

import static io.siyu.dynamodb.Items.n;
import static io.siyu.dynamodb.Items.s;
import static io.siyu.dynamodb.ReferralItems.CAMPAIGN;
import static io.siyu.dynamodb.ReferralItems.CATALOG;
import static io.siyu.dynamodb.ReferralItems.CODE;
import static io.siyu.dynamodb.ReferralItems.PK;
import static io.siyu.dynamodb.ReferralItems.SK;

import io.siyu.core.referral.Campaign;
import io.siyu.core.referral.CampaignStatus;
import io.siyu.core.referral.InviterCode;
import io.siyu.core.referral.ReferralCampaigns;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** {@link ReferralCampaigns} over ReferralCampaignsTable (layout: {@link ReferralItems}). */
public final class DynamoDbReferralCampaigns implements ReferralCampaigns {

    /** The code is no longer this request's to complete (its lease ran out and another request took it). */
    public static final class LostClaim extends RuntimeException {
        public LostClaim(String state) {
            super("the claim on " + state + " was taken over", null, false, false);
        }
    }

    private final DynamoDbClient dynamoDb;
    private final String table;

    public DynamoDbReferralCampaigns(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    private static Map<String, AttributeValue> key(String corpId, String sk) {
        return Map.of(PK, s(corpId), SK, s(sk));
    }

    @Override
    public boolean create(Campaign campaign) {
        TransactWriteItem put = TransactWriteItem.builder().put(p -> p.tableName(table).item(ReferralItems.campaignItem(campaign))
                .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", PK))).build();
        return transact(put, bumpCatalog(campaign.corpId()));
    }

    @Override
    public long catalogVersion(String corpId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).key(key(corpId, CATALOG))
                .consistentRead(true)).item();
        return item == null ? 0 : Items.num(item, ReferralItems.VERSION, 0);
    }

    private TransactWriteItem bumpCatalog(String corpId) {
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(key(corpId, CATALOG))
                .updateExpression("ADD #v :one").expressionAttributeNames(Map.of("#v", ReferralItems.VERSION))
                .expressionAttributeValues(Map.of(":one", n(1)))).build();
    }

    /** Both writes or neither; false when the first one's condition failed. Collisions are tried again. */
    private boolean transact(TransactWriteItem first, TransactWriteItem second) {
        for (int attempt = 1; ; attempt++) {
            try {
                dynamoDb.transactWriteItems(b -> b.transactItems(first, second));
                return true;
            } catch (TransactionCanceledException e) {
                if (e.hasCancellationReasons() && "ConditionalCheckFailed".equals(e.cancellationReasons().get(0).code())) {
                    return false;
                }
                if (attempt >= 5) {
                    throw e;
                }
            }
        }
    }

    @Override
    public Optional<Campaign> campaign(String corpId, String campaignId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).key(key(corpId, CAMPAIGN + campaignId))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(ReferralItems.campaign(item));
    }

    @Override
    public List<Campaign> campaigns(String corpId) {
        List<Campaign> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = dynamoDb.query(b -> b.tableName(table).consistentRead(true)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :c)")
                    .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                    .expressionAttributeValues(Map.of(":pk", s(corpId), ":c", s(CAMPAIGN)))
                    .exclusiveStartKey(from));
            page.items().forEach(i -> out.add(ReferralItems.campaign(i)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    @Override
    public Optional<Campaign> update(String corpId, String campaignId, String name, String rewardDescription) {
        Map<String, String> names = new HashMap<>(Map.of("#pk", PK));
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> set = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        if (name != null) {
            names.put("#name", ReferralItems.NAME);
            values.put(":name", s(name));
            set.add("#name = :name");
        }
        if (rewardDescription != null) {
            names.put("#reward", ReferralItems.REWARD_DESCRIPTION);
            if (rewardDescription.isEmpty()) {
                remove.add("#reward");
            } else {
                values.put(":reward", s(rewardDescription));
                set.add("#reward = :reward");
            }
        }
        if (set.isEmpty() && remove.isEmpty()) {
            return campaign(corpId, campaignId);
        }
        String expression = (set.isEmpty() ? "" : "SET " + String.join(", ", set))
                + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        try {
            var response = dynamoDb.updateItem(b -> b.tableName(table).key(key(corpId, CAMPAIGN + campaignId))
                    .updateExpression(expression.trim()).conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(names).expressionAttributeValues(values.isEmpty() ? null : values)
                    .returnValues(ReturnValue.ALL_NEW));
            return Optional.of(ReferralItems.campaign(response.attributes()));
        } catch (ConditionalCheckFailedException missing) {
            return Optional.empty();
        }
    }

    @Override
    public boolean archive(String corpId, String campaignId) {
        TransactWriteItem archive = TransactWriteItem.builder().update(u -> u.tableName(table).key(key(corpId, CAMPAIGN + campaignId))
                .updateExpression("SET #status = :archived").conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", PK, "#status", ReferralItems.STATUS))
                .expressionAttributeValues(Map.of(":archived", s(CampaignStatus.ARCHIVED.name())))).build();
        return transact(archive, bumpCatalog(corpId));
    }

    @Override
    public Map<LocalDate, Long> participantsByDay(String corpId, String campaignId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).key(key(corpId, CAMPAIGN + campaignId))
                .consistentRead(true)).item();
        return item == null ? Map.of() : ReferralItems.participantsByDay(item);
    }

    @Override
    public Optional<InviterCode> code(String corpId, String state) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).key(key(corpId, CODE + state))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(ReferralItems.code(corpId, item));
    }

    @Override
    public Claim claimCode(String corpId, String campaignId, String inviter, String state, String token, Instant now,
                           Duration lease) {
        Map<String, AttributeValue> item = new HashMap<>(key(corpId, CODE + state));
        item.put(ReferralItems.STATE, s(state));
        item.put(ReferralItems.CAMPAIGN_ID, s(campaignId));
        item.put(ReferralItems.INVITER_ID, s(inviter));
        item.put(ReferralItems.STATUS, s(InviterCode.Status.ISSUING.name()));
        item.put(ReferralItems.TOKEN, s(token));
        item.put(ReferralItems.LEASE_UNTIL, n(now.plus(lease).toEpochMilli()));
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#pk) OR (#inviter = :inviter AND #status = :issuing AND #lease < :now)")
                    .expressionAttributeNames(Map.of("#pk", PK, "#inviter", ReferralItems.INVITER_ID,
                            "#status", ReferralItems.STATUS, "#lease", ReferralItems.LEASE_UNTIL))
                    .expressionAttributeValues(Map.of(":inviter", s(inviter), ":issuing", s(InviterCode.Status.ISSUING.name()),
                            ":now", n(now.toEpochMilli())))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new Claim.Acquired();
        } catch (ConditionalCheckFailedException held) {
            Map<String, AttributeValue> existing = held.hasItem() ? held.item()
                    : dynamoDb.getItem(b -> b.tableName(table).key(key(corpId, CODE + state)).consistentRead(true)).item();
            if (existing == null || existing.isEmpty()) {
                return new Claim.InProgress(); // released meanwhile: the caller may try again
            }
            InviterCode code = ReferralItems.code(corpId, existing);
            if (!code.inviterExternalUserId().equals(inviter) || !code.campaignId().equals(campaignId)) {
                return new Claim.Taken();
            }
            return code.status() == InviterCode.Status.ISSUED ? new Claim.Issued(code) : new Claim.InProgress();
        }
    }

    @Override
    public InviterCode completeCode(String corpId, String campaignId, String inviter, String state, String token,
                                    String configId, String qrCode, Instant now) {
        Map<String, AttributeValue> codeValues = new HashMap<>();
        codeValues.put(":issued", s(InviterCode.Status.ISSUED.name()));
        codeValues.put(":config", s(configId));
        codeValues.put(":at", n(now.toEpochMilli()));
        codeValues.put(":token", s(token));
        String qr = qrCode == null ? "" : ", #qr = :qr";
        if (qrCode != null) {
            codeValues.put(":qr", s(qrCode));
        }
        Map<String, String> codeNames = new HashMap<>(Map.of("#status", ReferralItems.STATUS, "#config", ReferralItems.CONFIG_ID,
                "#at", ReferralItems.ISSUED_AT, "#token", ReferralItems.TOKEN, "#lease", ReferralItems.LEASE_UNTIL));
        if (qrCode != null) {
            codeNames.put("#qr", ReferralItems.QR_CODE);
        }
        String day = ReferralItems.PARTICIPANTS_ON + now.atZone(Campaign.LOCAL_ZONE).toLocalDate();
        TransactWriteItem markIssued = TransactWriteItem.builder().update(u -> u.tableName(table).key(key(corpId, CODE + state))
                .updateExpression("SET #status = :issued, #config = :config, #at = :at" + qr + " REMOVE #token, #lease")
                .conditionExpression("#token = :token")
                .expressionAttributeNames(codeNames).expressionAttributeValues(codeValues)).build();
        TransactWriteItem countParticipant = TransactWriteItem.builder().update(u -> u.tableName(table)
                .key(key(corpId, CAMPAIGN + campaignId))
                .updateExpression("ADD #participants :one, #day :one")
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", PK, "#participants", ReferralItems.PARTICIPANTS, "#day", day))
                .expressionAttributeValues(Map.of(":one", n(1)))).build();
        for (int attempt = 1; ; attempt++) {
            try {
                dynamoDb.transactWriteItems(b -> b.transactItems(markIssued, countParticipant));
                break;
            } catch (TransactionCanceledException e) {
                boolean collided = e.hasCancellationReasons() && e.cancellationReasons().stream()
                        .anyMatch(r -> "TransactionConflict".equals(r.code()));
                boolean conditionFailed = e.hasCancellationReasons() && e.cancellationReasons().stream()
                        .anyMatch(r -> "ConditionalCheckFailed".equals(r.code()));
                if (conditionFailed || !collided || attempt >= 5) {
                    throw new LostClaim(state);
                }
                // another code of the same campaign was counted at the same moment: count again
            }
        }
        return new InviterCode(corpId, campaignId, inviter, state, InviterCode.Status.ISSUED, configId, qrCode, now);
    }

    @Override
    public void releaseCode(String corpId, String state, String token) {
        try {
            dynamoDb.deleteItem(b -> b.tableName(table).key(key(corpId, CODE + state))
                    .conditionExpression("#token = :token").expressionAttributeNames(Map.of("#token", ReferralItems.TOKEN))
                    .expressionAttributeValues(Map.of(":token", s(token))));
        } catch (ConditionalCheckFailedException notOurs) {
            // issued or taken over meanwhile: nothing of ours to release
        }
    }
}
