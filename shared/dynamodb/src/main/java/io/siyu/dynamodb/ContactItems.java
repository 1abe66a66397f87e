package io.siyu.dynamodb;

import static io.siyu.dynamodb.Items.instant;
import static io.siyu.dynamodb.Items.num;
import static io.siyu.dynamodb.Items.str;
import static io.siyu.dynamodb.Items.stringSet;

import io.siyu.core.contacts.Customer;
import io.siyu.core.contacts.Relationship;
import io.siyu.core.contacts.RelationshipStatus;
import io.siyu.core.events.ContactRemoved.RemovedBy;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The Contacts table's item layout (docs/tables.md). One partition per customer,
 * {@code pk = corpId#externalUserId}:
 * <ul>
 *   <li>{@code sk = PROFILE}: the customer (first touch, active relationship count, name, unionid), with the
 *   index keys of ByUnionId and ByName;</li>
 *   <li>{@code sk = REL#userId}: one relationship, with the index keys of ByAddedDay and ByStaff;</li>
 *   <li>{@code sk = EV#epochMillis#eventId}: one received contact event (the log state is derived from).</li>
 * </ul>
 */
public final class ContactItems {

    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String PROFILE = "PROFILE";
    public static final String REL = "REL#";
    public static final String EV = "EV#";

    public static final String EXTERNAL_USER_ID = "externalUserId";
    public static final String USER_ID = "userId";
    public static final String STATUS = "status";
    public static final String CHANNEL_ID = "channelId";
    public static final String STATE = "state";
    public static final String FIRST_ADDED_AT = "firstAddedAt";
    public static final String ADDED_AT = "addedAt";
    public static final String LOST_AT = "lostAt";
    public static final String LOST_BY = "lostBy";
    public static final String ADD_COUNT = "addCount";
    public static final String TAG_IDS = "tagIds";
    public static final String ADDED_DAY = "addedDay";
    public static final String ADDED_SORT = "addedSort";
    public static final String STAFF_KEY = "staffKey";
    public static final String FIRST_CHANNEL_ID = "firstChannelId";
    public static final String FIRST_STATE = "firstState";
    public static final String ACTIVE_RELATIONSHIPS = "activeRelationships";
    public static final String NAME = "name";
    public static final String TYPE = "type";
    public static final String UNION_ID = "unionId";
    public static final String UNION_KEY = "unionKey";
    public static final String VERSION = "version";
    /** ByName (sparse, profiles with a name): {@code nameKey = corpId}, {@code nameSort = searchKey#externalUserId}. */
    public static final String NAME_KEY = "nameKey";
    public static final String NAME_SORT = "nameSort";

    public static final String BY_ADDED_DAY = "ByAddedDay";
    public static final String BY_STAFF = "ByStaff";
    public static final String BY_UNION_ID = "ByUnionId";
    public static final String BY_NAME = "ByName";

    /** Local days (for ByAddedDay and every per-day counter) are in the corp's time zone. */
    public static final ZoneId CORP_ZONE = ZoneId.of("Asia/Shanghai");

    private ContactItems() {}

    public static String pk(String corpId, String externalUserId) {
        return corpId + "#" + externalUserId;
    }

    public static String staffKey(String corpId, String userId) {
        return corpId + "#" + userId;
    }

    /** ByAddedDay's partition key for a local day. */
    public static String addedDay(String corpId, LocalDate day) {
        return corpId + "#" + day;
    }

    public static String addedDay(String corpId, Instant addedAt) {
        return addedDay(corpId, addedAt.atZone(CORP_ZONE).toLocalDate());
    }

    /** ByAddedDay's sort key: time first (zero-padded millis), then ids for uniqueness. */
    public static String addedSort(Instant addedAt, String externalUserId, String userId) {
        return String.format("%013d#%s#%s", addedAt.toEpochMilli(), externalUserId, userId);
    }

    public static Relationship relationship(String corpId, Map<String, AttributeValue> item) {
        String lostBy = str(item, LOST_BY);
        return new Relationship(corpId, str(item, EXTERNAL_USER_ID), str(item, USER_ID),
                RelationshipStatus.valueOf(str(item, STATUS)), str(item, CHANNEL_ID), str(item, STATE),
                instant(item, FIRST_ADDED_AT), instant(item, ADDED_AT), instant(item, LOST_AT),
                lostBy == null ? null : RemovedBy.valueOf(lostBy), (int) num(item, ADD_COUNT, 0), stringSet(item, TAG_IDS));
    }

    /**
     * The relationship item ({@code sk = REL#userId}) with both index keys, the inverse of
     * {@link #relationship}: the layout readers rely on (docs/tables.md).
     */
    public static Map<String, AttributeValue> relationshipItem(Relationship r) {
        Map<String, AttributeValue> item = new java.util.HashMap<>();
        item.put(PK, Items.s(pk(r.corpId(), r.externalUserId())));
        item.put(SK, Items.s(REL + r.userId()));
        item.put(EXTERNAL_USER_ID, Items.s(r.externalUserId()));
        item.put(USER_ID, Items.s(r.userId()));
        item.put(STATUS, Items.s(r.status().name()));
        item.put(STAFF_KEY, Items.s(staffKey(r.corpId(), r.userId())));
        Items.putIfPresent(item, CHANNEL_ID, r.channelId());
        Items.putIfPresent(item, STATE, r.state());
        Items.putIfPresent(item, FIRST_ADDED_AT, r.firstAddedAt());
        Items.putIfPresent(item, ADDED_AT, r.addedAt());
        Items.putIfPresent(item, LOST_AT, r.lostAt());
        Items.putIfPresent(item, LOST_BY, r.lostBy() == null ? null : r.lostBy().name());
        item.put(ADD_COUNT, Items.n(r.addCount()));
        if (!r.tagIds().isEmpty()) {
            item.put(TAG_IDS, Items.ss(r.tagIds()));
        }
        if (r.addedAt() != null) {
            item.put(ADDED_DAY, Items.s(addedDay(r.corpId(), r.addedAt())));
            item.put(ADDED_SORT, Items.s(addedSort(r.addedAt(), r.externalUserId(), r.userId())));
        }
        return item;
    }

    public static Customer customer(String corpId, Map<String, AttributeValue> item) {
        return new Customer(corpId, str(item, EXTERNAL_USER_ID), str(item, FIRST_CHANNEL_ID), str(item, FIRST_STATE),
                instant(item, FIRST_ADDED_AT), (int) num(item, ACTIVE_RELATIONSHIPS, 0), str(item, NAME),
                (int) num(item, TYPE, 0), str(item, UNION_ID));
    }
}
