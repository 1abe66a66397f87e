package io.siyu.dynamodb;

import static io.siyu.dynamodb.ContactItems.*;
import static io.siyu.dynamodb.Items.instant;
import static io.siyu.dynamodb.Items.n;
import static io.siyu.dynamodb.Items.num;
import static io.siyu.dynamodb.Items.s;
import static io.siyu.dynamodb.Items.str;

import io.siyu.core.contacts.ChannelStat;
import io.siyu.core.contacts.ContactFact;
import io.siyu.core.contacts.ContactHistory;
import io.siyu.core.contacts.ContactLedger;
import io.siyu.core.contacts.Customer;
import io.siyu.core.contacts.CustomerNames;
import io.siyu.core.contacts.Relationship;
import io.siyu.core.events.ContactRemoved.RemovedBy;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * {@link ContactLedger} on the Contacts and ChannelStats tables. One customer is one partition:
 * a Query reads the whole history, and one TransactWriteItems appends the event (conditional on
 * its absence), updates the profile (conditional on its version, which carries the stored
 * contributions), updates only the relationships whose derived fields changed, and ADDs the
 * contribution differences to the channel counters. A concurrent writer for the same customer
 * makes the transaction fail its condition; it is then re-read and retried.
 */
public final class DynamoDbContactLedger implements ContactLedger {

    static final String KIND = "kind";
    static final String AT = "at";
    static final String EVENT_ID = "eventId";
    static final String REMOVED_BY = "removedBy";
    static final String CONTRIBUTIONS = "contributions";
    static final String TAGS_PENDING = "tagsPending";
    static final String PROFILE_PENDING = "profilePending";
    private static final int MAX_ATTEMPTS = 10;

    private final DynamoDbClient dynamoDb;
    private final String contactsTable;
    private final String statsTable;
    private final ZoneId zone;

    public DynamoDbContactLedger(DynamoDbClient dynamoDb, String contactsTable, String statsTable, ZoneId zone) {
        this.dynamoDb = dynamoDb;
        this.contactsTable = contactsTable;
        this.statsTable = statsTable;
        this.zone = zone;
    }

    /** One customer's partition as stored. */
    private record Stored(long version, boolean profileExists, boolean profilePending, Map<String, Long> contributions,
                          Map<String, Map<String, AttributeValue>> relationships, ContactHistory history, Customer customer) {}

    @Override
    public Recorded record(String corpId, String externalUserId, ContactFact fact, boolean tagsToApply) {
        for (int attempt = 1; ; attempt++) {
            Stored stored = load(corpId, externalUserId);
            if (stored.history().contains(fact.eventId())) {
                return recorded(false, stored, corpId, stored.relationships().get(fact.userId()));
            }
            ContactHistory next = stored.history().with(fact);
            Map<String, Long> contributions = next.contributions();
            List<TransactWriteItem> writes = new ArrayList<>();
            String pk = ContactItems.pk(corpId, externalUserId);
            writes.add(TransactWriteItem.builder().put(p -> p.tableName(contactsTable).item(eventItem(pk, externalUserId, fact))
                    .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", PK))).build());
            writes.add(TransactWriteItem.builder().update(profileUpdate(pk, externalUserId, stored, next.customer(), contributions)).build());
            Map<String, Relationship> derived = next.relationships();
            Relationship mine = derived.get(fact.userId());
            boolean markTags = tagsToApply && mine.status() != io.siyu.core.contacts.RelationshipStatus.LOST;
            for (Relationship r : derived.values()) {
                Map<String, AttributeValue> current = stored.relationships().get(r.userId());
                boolean mark = markTags && r.userId().equals(fact.userId());
                if (current == null || changed(current, r) || mark) {
                    writes.add(TransactWriteItem.builder().update(relationshipUpdate(pk, corpId, r, mark)).build());
                }
            }
            counterUpdates(corpId, ContactHistory.difference(stored.contributions(), contributions))
                    .forEach(u -> writes.add(TransactWriteItem.builder().update(u).build()));
            try {
                dynamoDb.transactWriteItems(b -> b.transactItems(writes));
            } catch (TransactionCanceledException e) {
                if (attempt >= MAX_ATTEMPTS || !conflict(e)) {
                    throw e;
                }
                continue; // another event of this customer won the race: read again and re-derive
            }
            // What was just written, without reading it back: the derived relationship with the tags it
            // already had, and the derived customer with the profile fields WeCom gave earlier.
            Map<String, AttributeValue> storedMine = stored.relationships().get(fact.userId());
            Set<String> tags = storedMine == null ? Set.of() : Items.stringSet(storedMine, TAG_IDS);
            Relationship written = new Relationship(corpId, externalUserId, mine.userId(), mine.status(), mine.channelId(),
                    mine.state(), mine.firstAddedAt(), mine.addedAt(), mine.lostAt(), mine.lostBy(), mine.addCount(), tags);
            Customer derivedCustomer = next.customer();
            Customer previous = stored.customer();
            Customer customer = new Customer(corpId, externalUserId, derivedCustomer.firstChannelId(), derivedCustomer.firstState(),
                    derivedCustomer.firstAddedAt(), derivedCustomer.activeRelationships(),
                    previous == null ? null : previous.name(), previous == null ? 0 : previous.type(), previous == null ? null : previous.unionId());
            boolean tagsPending = markTags || (storedMine != null && storedMine.containsKey(TAGS_PENDING));
            return new Recorded(true, written, customer, tagsPending, !stored.profileExists() || stored.profilePending());
        }
    }

    @Override
    public void finishPending(String corpId, String externalUserId, String userId, Set<String> tagsApplied, Profile profile) {
        List<TransactWriteItem> writes = new ArrayList<>();
        if (tagsApplied != null) {
            writes.add(TransactWriteItem.builder().update(tagsAppliedUpdate(corpId, externalUserId, userId, tagsApplied)).build());
        }
        if (profile != null) {
            writes.add(TransactWriteItem.builder().update(profileUpdate(corpId, externalUserId, profile)).build());
        }
        if (writes.size() == 2) {
            dynamoDb.transactWriteItems(b -> b.transactItems(writes));
        } else if (writes.size() == 1) {
            Update u = writes.get(0).update();
            dynamoDb.updateItem(b -> b.tableName(u.tableName()).key(u.key()).updateExpression(u.updateExpression())
                    .conditionExpression(u.conditionExpression()).expressionAttributeNames(u.expressionAttributeNames())
                    .expressionAttributeValues(u.hasExpressionAttributeValues() ? u.expressionAttributeValues() : null));
        }
    }

    private Update tagsAppliedUpdate(String corpId, String externalUserId, String userId, Set<String> tagIds) {
        Map<String, String> names = new HashMap<>(Map.of("#pending", TAGS_PENDING, "#pk", PK));
        Map<String, AttributeValue> values = new HashMap<>();
        String expression = "REMOVE #pending";
        if (!tagIds.isEmpty()) {
            expression = "ADD #tags :tags " + expression;
            names.put("#tags", TAG_IDS);
            values.put(":tags", Items.ss(tagIds));
        }
        return Update.builder().tableName(contactsTable).key(relKey(corpId, externalUserId, userId))
                .updateExpression(expression).conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(names).expressionAttributeValues(values.isEmpty() ? null : values).build();
    }

    private Update profileUpdate(String corpId, String externalUserId, Profile profile) {
        Map<String, String> names = new HashMap<>(Map.of("#name", NAME, "#type", TYPE, "#pending", PROFILE_PENDING, "#pk", PK));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":name", s(profile.name() == null ? "" : profile.name()),
                ":type", n(profile.type())));
        String set = "SET #name = :name, #type = :type";
        String remove = " REMOVE #pending";
        // ByName: profiles with a searchable name are on the index; a name WeCom no longer gives leaves it.
        String searchKey = CustomerNames.searchKey(profile.name());
        names.put("#nameKey", NAME_KEY);
        names.put("#nameSort", NAME_SORT);
        if (searchKey != null) {
            set += ", #nameKey = :nameKey, #nameSort = :nameSort";
            values.put(":nameKey", s(corpId));
            values.put(":nameSort", s(searchKey + "#" + externalUserId));
        } else {
            remove += ", #nameKey, #nameSort";
        }
        if (profile.unionId() != null) {
            set += ", #union = :union, #unionKey = :unionKey";
            names.put("#union", UNION_ID);
            names.put("#unionKey", UNION_KEY);
            values.put(":union", s(profile.unionId()));
            values.put(":unionKey", s(corpId + "#" + profile.unionId()));
        }
        return Update.builder().tableName(contactsTable)
                .key(Map.of(PK, s(ContactItems.pk(corpId, externalUserId)), SK, s(PROFILE)))
                .updateExpression(set + remove).conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(names).expressionAttributeValues(values).build();
    }

    @Override
    public void replaceTags(String corpId, String externalUserId, String userId, Set<String> tagIds) {
        if (tagIds.isEmpty()) {
            dynamoDb.updateItem(b -> b.tableName(contactsTable).key(relKey(corpId, externalUserId, userId))
                    .updateExpression("REMOVE #tags").conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#tags", TAG_IDS, "#pk", PK)));
        } else {
            dynamoDb.updateItem(b -> b.tableName(contactsTable).key(relKey(corpId, externalUserId, userId))
                    .updateExpression("SET #tags = :tags").conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#tags", TAG_IDS, "#pk", PK))
                    .expressionAttributeValues(Map.of(":tags", Items.ss(tagIds))));
        }
    }

    private Stored load(String corpId, String externalUserId) {
        String pk = ContactItems.pk(corpId, externalUserId);
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = dynamoDb.query(b -> b.tableName(contactsTable).consistentRead(true)
                    .keyConditionExpression("#pk = :pk").expressionAttributeNames(Map.of("#pk", PK))
                    .expressionAttributeValues(Map.of(":pk", s(pk))).exclusiveStartKey(from));
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        Map<String, AttributeValue> profile = null;
        Map<String, Map<String, AttributeValue>> relationships = new HashMap<>();
        List<ContactFact> facts = new ArrayList<>();
        for (Map<String, AttributeValue> item : items) {
            String sk = item.get(SK).s();
            if (sk.equals(PROFILE)) {
                profile = item;
            } else if (sk.startsWith(REL)) {
                relationships.put(str(item, USER_ID), item);
            } else if (sk.startsWith(EV)) {
                String removedBy = str(item, REMOVED_BY);
                facts.add(new ContactFact(str(item, EVENT_ID), instant(item, AT), ContactFact.Kind.valueOf(str(item, KIND)),
                        str(item, USER_ID), str(item, STATE), removedBy == null ? null : RemovedBy.valueOf(removedBy)));
            }
        }
        Map<String, Long> contributions = new TreeMap<>();
        if (profile != null && profile.get(CONTRIBUTIONS) != null) {
            profile.get(CONTRIBUTIONS).m().forEach((k, v) -> contributions.put(k, Long.parseLong(v.n())));
        }
        return new Stored(profile == null ? 0 : num(profile, VERSION, 0), profile != null,
                profile != null && profile.containsKey(PROFILE_PENDING), contributions, relationships,
                new ContactHistory(corpId, externalUserId, zone, facts),
                profile == null ? null : ContactItems.customer(corpId, profile));
    }

    private static Recorded recorded(boolean applied, Stored stored, String corpId, Map<String, AttributeValue> relationship) {
        Relationship r = relationship == null ? null : ContactItems.relationship(corpId, relationship);
        boolean tagsPending = relationship != null && relationship.containsKey(TAGS_PENDING);
        return new Recorded(applied, r, stored.customer(), tagsPending, stored.profilePending());
    }

    private static Map<String, AttributeValue> eventItem(String pk, String externalUserId, ContactFact f) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(pk));
        item.put(SK, s(EV + String.format("%013d", f.at().toEpochMilli()) + "#" + f.eventId()));
        item.put(EVENT_ID, s(f.eventId()));
        item.put(EXTERNAL_USER_ID, s(externalUserId));
        item.put(KIND, s(f.kind().name()));
        item.put(AT, n(f.at().toEpochMilli()));
        item.put(USER_ID, s(f.userId()));
        Items.putIfPresent(item, STATE, f.state());
        Items.putIfPresent(item, REMOVED_BY, f.removedBy() == null ? null : f.removedBy().name());
        return item;
    }

    private Update profileUpdate(String pk, String externalUserId, Stored stored, Customer c, Map<String, Long> contributions) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> set = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        setOrRemove("#ext", EXTERNAL_USER_ID, ":ext", s(externalUserId), names, values, set, remove);
        setOrRemove("#fc", FIRST_CHANNEL_ID, ":fc", c.firstChannelId() == null ? null : s(c.firstChannelId()), names, values, set, remove);
        setOrRemove("#fs", FIRST_STATE, ":fs", c.firstState() == null ? null : s(c.firstState()), names, values, set, remove);
        setOrRemove("#fa", FIRST_ADDED_AT, ":fa", c.firstAddedAt() == null ? null : n(c.firstAddedAt().toEpochMilli()), names, values, set, remove);
        setOrRemove("#act", ACTIVE_RELATIONSHIPS, ":act", n(c.activeRelationships()), names, values, set, remove);
        Map<String, AttributeValue> contrib = new HashMap<>();
        contributions.forEach((k, v) -> contrib.put(k, n(v)));
        setOrRemove("#con", CONTRIBUTIONS, ":con", AttributeValue.fromM(contrib), names, values, set, remove);
        setOrRemove("#ver", VERSION, ":next", n(stored.version() + 1), names, values, set, remove);
        if (!stored.profileExists()) {
            set.add("#pp = :pp");
            names.put("#pp", PROFILE_PENDING);
            values.put(":pp", AttributeValue.fromBool(true));
        }
        String expression = "SET " + String.join(", ", set) + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        String condition;
        if (stored.profileExists()) {
            condition = "#ver = :expected";
            values.put(":expected", n(stored.version()));
        } else {
            condition = "attribute_not_exists(#pk)";
            names.put("#pk", PK);
        }
        return Update.builder().tableName(contactsTable).key(Map.of(PK, s(pk), SK, s(PROFILE)))
                .updateExpression(expression).conditionExpression(condition)
                .expressionAttributeNames(names).expressionAttributeValues(values).build();
    }

    private Update relationshipUpdate(String pk, String corpId, Relationship r, boolean markTagsPending) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> set = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        setOrRemove("#ext", EXTERNAL_USER_ID, ":ext", s(r.externalUserId()), names, values, set, remove);
        setOrRemove("#uid", USER_ID, ":uid", s(r.userId()), names, values, set, remove);
        setOrRemove("#st", STATUS, ":st", s(r.status().name()), names, values, set, remove);
        setOrRemove("#ch", CHANNEL_ID, ":ch", r.channelId() == null ? null : s(r.channelId()), names, values, set, remove);
        setOrRemove("#state", STATE, ":state", r.state() == null ? null : s(r.state()), names, values, set, remove);
        setOrRemove("#fa", FIRST_ADDED_AT, ":fa", r.firstAddedAt() == null ? null : n(r.firstAddedAt().toEpochMilli()), names, values, set, remove);
        setOrRemove("#aa", ADDED_AT, ":aa", r.addedAt() == null ? null : n(r.addedAt().toEpochMilli()), names, values, set, remove);
        setOrRemove("#la", LOST_AT, ":la", r.lostAt() == null ? null : n(r.lostAt().toEpochMilli()), names, values, set, remove);
        setOrRemove("#lb", LOST_BY, ":lb", r.lostBy() == null ? null : s(r.lostBy().name()), names, values, set, remove);
        setOrRemove("#ac", ADD_COUNT, ":ac", n(r.addCount()), names, values, set, remove);
        setOrRemove("#sk2", STAFF_KEY, ":sk2", s(ContactItems.staffKey(corpId, r.userId())), names, values, set, remove);
        setOrRemove("#ad", ADDED_DAY, ":ad", r.addedAt() == null ? null : s(ContactItems.addedDay(corpId, r.addedAt())), names, values, set, remove);
        setOrRemove("#as", ADDED_SORT, ":as", r.addedAt() == null ? null
                : s(ContactItems.addedSort(r.addedAt(), r.externalUserId(), r.userId())), names, values, set, remove);
        if (markTagsPending) {
            set.add("#tp = :tp");
            names.put("#tp", TAGS_PENDING);
            values.put(":tp", AttributeValue.fromBool(true));
        }
        String expression = "SET " + String.join(", ", set) + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        return Update.builder().tableName(contactsTable).key(Map.of(PK, s(pk), SK, s(REL + r.userId())))
                .updateExpression(expression).expressionAttributeNames(names).expressionAttributeValues(values).build();
    }

    /** One update per counter item (channel and day): a transaction may touch an item only once. */
    private List<Update> counterUpdates(String corpId, Map<String, Long> deltas) {
        Map<String, Map<ChannelStat.Counter, Long>> byItem = new TreeMap<>();
        deltas.forEach((key, delta) -> {
            ChannelStat stat = ChannelStat.parse(key);
            byItem.computeIfAbsent(stat.channel() + "|" + stat.day(), k -> new TreeMap<>()).put(stat.counter(), delta);
        });
        List<Update> out = new ArrayList<>();
        byItem.forEach((item, counters) -> {
            String[] channelAndDay = item.split("\\|");
            Map<String, String> names = new HashMap<>();
            Map<String, AttributeValue> values = new HashMap<>();
            List<String> adds = new ArrayList<>();
            int i = 0;
            for (Map.Entry<ChannelStat.Counter, Long> c : counters.entrySet()) {
                names.put("#c" + i, ChannelStatItems.attribute(c.getKey()));
                values.put(":d" + i, n(c.getValue()));
                adds.add("#c" + i + " :d" + i);
                i++;
            }
            out.add(Update.builder().tableName(statsTable)
                    .key(Map.of(PK, s(corpId + "#" + channelAndDay[0]), SK, s(channelAndDay[1])))
                    .updateExpression("ADD " + String.join(", ", adds))
                    .expressionAttributeNames(names).expressionAttributeValues(values).build());
        });
        return out;
    }

    private static boolean changed(Map<String, AttributeValue> stored, Relationship r) {
        return !Objects.equals(str(stored, STATUS), r.status().name())
                || !Objects.equals(str(stored, CHANNEL_ID), r.channelId())
                || !Objects.equals(str(stored, STATE), r.state())
                || !Objects.equals(instant(stored, FIRST_ADDED_AT), r.firstAddedAt())
                || !Objects.equals(instant(stored, ADDED_AT), r.addedAt())
                || !Objects.equals(instant(stored, LOST_AT), r.lostAt())
                || !Objects.equals(str(stored, LOST_BY), r.lostBy() == null ? null : r.lostBy().name())
                || num(stored, ADD_COUNT, 0) != r.addCount();
    }

    private static void setOrRemove(String name, String attribute, String placeholder, AttributeValue value,
                                    Map<String, String> names, Map<String, AttributeValue> values,
                                    List<String> set, List<String> remove) {
        names.put(name, attribute);
        if (value == null) {
            remove.add(name);
        } else {
            set.add(name + " = " + placeholder);
            values.put(placeholder, value);
        }
    }

    private static boolean conflict(TransactionCanceledException e) {
        return e.hasCancellationReasons() && e.cancellationReasons().stream().map(CancellationReason::code)
                .anyMatch(c -> "ConditionalCheckFailed".equals(c) || "TransactionConflict".equals(c));
    }

    private Map<String, AttributeValue> relKey(String corpId, String externalUserId, String userId) {
        return Map.of(PK, s(ContactItems.pk(corpId, externalUserId)), SK, s(REL + userId));
    }
}
