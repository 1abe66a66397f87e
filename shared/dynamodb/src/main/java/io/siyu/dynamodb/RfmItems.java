package io.siyu.dynamodb;

import static io.siyu.dynamodb.Items.instant;
import static io.siyu.dynamodb.Items.n;
import static io.siyu.dynamodb.Items.num;
import static io.siyu.dynamodb.Items.putIfPresent;
import static io.siyu.dynamodb.Items.s;
import static io.siyu.dynamodb.Items.str;

import io.siyu.core.orders.CustomerRef;
import io.siyu.core.rfm.LifecycleStage;
import io.siyu.core.rfm.RfmProfile;
import io.siyu.core.rfm.RfmScores;
import io.siyu.core.rfm.RfmState;
import io.siyu.core.rfm.RfmThresholds;
import io.siyu.core.rfm.RfmTotals;
import io.siyu.core.rfm.RfmTransition;
import io.siyu.core.rfm.Segment;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The Rfm table's item layout (docs/tables.md). Keys start with the CorpID:
 * <ul>
 *   <li>{@code pk = corpId#customerKey} ({@code ext:<external_userid>} or {@code union:<unionid>}):
 *       {@code sk = AGG} the customer's record; {@code sk = H#<version>} one transition of their history;</li>
 *   <li>{@code pk = corpId#DIST}, {@code sk = SEG#<segment>#<shard>} or {@code STAGE#<stage>#<shard>}:
 *       how many customers are in it (sharded so concurrent transactions rarely meet on one item);</li>
 *   <li>{@code pk = corpId#CONFIG}, {@code sk = THRESHOLDS} or {@code WECOM_TAGS}: the corp's settings.</li>
 * </ul>
 * A record whose standing changes on a known later day carries {@code boundaryDay}
 * ({@code corpId#yyyy-MM-dd}, index ByBoundaryDay); a record of a customer known only by
 * unionid with paid orders carries {@code unresolvedKey} ({@code corpId}, index ByUnresolved).
 */
public final class RfmItems {

    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String AGG = "AGG";
    public static final String HISTORY = "H#";
    public static final String DIST = "DIST";
    public static final String CONFIG = "CONFIG";
    public static final String THRESHOLDS = "THRESHOLDS";
    public static final String WECOM_TAGS = "WECOM_TAGS";
    public static final String SEGMENT_COUNTER = "SEG#";
    public static final String STAGE_COUNTER = "STAGE#";

    public static final String CUSTOMER = "customer";
    public static final String PAID_ORDERS = "paidOrders";
    public static final String PAID_FEN = "paidFen";
    public static final String LAST_PAID_AT = "lastPaidAt";
    public static final String RECENCY_DAYS = "recencyDays";
    public static final String R_SCORE = "rScore";
    public static final String F_SCORE = "fScore";
    public static final String M_SCORE = "mScore";
    public static final String SEGMENT = "segment";
    public static final String STAGE = "stage";
    public static final String SCORED_ON = "scoredOn";
    public static final String NEXT_BOUNDARY = "nextBoundary";
    public static final String BOUNDARY_DAY = "boundaryDay";
    public static final String UNRESOLVED_KEY = "unresolvedKey";
    public static final String TAGGED_SEGMENT = "taggedSegment";
    public static final String TAGGED_STAGE = "taggedStage";
    public static final String PENDING = "pending";
    public static final String VERSION = "version";
    public static final String UPDATED_AT = "updatedAt";

    public static final String AT = "at";
    public static final String FROM_SEGMENT = "fromSegment";
    public static final String TO_SEGMENT = "toSegment";
    public static final String FROM_STAGE = "fromStage";
    public static final String TO_STAGE = "toStage";
    public static final String REASON = "reason";

    public static final String COUNT = "count";

    public static final String FREQUENCY_ORDERS = "frequencyOrders";
    public static final String MONETARY_FEN = "monetaryFen";
    public static final String HIGH_SCORE_FROM = "highScoreFrom";
    public static final String NEW_CUSTOMER_DAYS = "newCustomerDays";
    public static final String UPDATED_BY = "updatedBy";
    public static final String TAG_IDS = "tagIds";

    public static final String BY_BOUNDARY_DAY = "ByBoundaryDay";
    public static final String BY_UNRESOLVED = "ByUnresolved";

    /** Distribution counters per segment and stage are spread over this many items each. */
    public static final int COUNTER_SHARDS = 8;

    private RfmItems() {}

    public static String customerPk(String corpId, CustomerRef customer) {
        return corpId + "#" + customer.key();
    }

    public static String distributionPk(String corpId) {
        return corpId + "#" + DIST;
    }

    public static String configPk(String corpId) {
        return corpId + "#" + CONFIG;
    }

    public static String historySk(long version) {
        return String.format("%s%012d", HISTORY, version);
    }

    public static String boundaryDay(String corpId, LocalDate day) {
        return corpId + "#" + day;
    }

    /** The counter item a customer's membership in a segment or stage is counted on. */
    public static String counterSk(String prefix, String name, CustomerRef customer) {
        return prefix + name + "#" + Math.floorMod(customer.key().hashCode(), COUNTER_SHARDS);
    }

    public static CustomerRef customerOfPk(String corpId, String pk) {
        return CustomerRef.parse(pk.substring(corpId.length() + 1));
    }

    public static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PK, s(pk), SK, s(sk));
    }

    public static Map<String, AttributeValue> stateItem(String corpId, RfmState st, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(customerPk(corpId, st.customer())));
        item.put(SK, s(AGG));
        item.put(CUSTOMER, s(st.customer().key()));
        item.put(PAID_ORDERS, n(st.totals().paidOrders()));
        item.put(PAID_FEN, n(st.totals().paidFen()));
        putIfPresent(item, LAST_PAID_AT, st.totals().lastPaidAt());
        RfmProfile p = st.profile();
        if (p != null) {
            item.put(RECENCY_DAYS, n(p.recencyDays()));
            item.put(R_SCORE, n(p.scores().recency()));
            item.put(F_SCORE, n(p.scores().frequency()));
            item.put(M_SCORE, n(p.scores().monetary()));
            item.put(SEGMENT, s(p.segment().name()));
            item.put(STAGE, s(p.stage().name()));
            if (p.nextBoundary() != null) {
                item.put(NEXT_BOUNDARY, s(p.nextBoundary().toString()));
                item.put(BOUNDARY_DAY, s(boundaryDay(corpId, p.nextBoundary())));
            }
        }
        if (st.scoredOn() != null) {
            item.put(SCORED_ON, s(st.scoredOn().toString()));
        }
        if (!st.customer().isExternalUser() && st.totals().hasPaidOrders()) {
            item.put(UNRESOLVED_KEY, s(corpId));
        }
        if (st.taggedSegment() != null) {
            item.put(TAGGED_SEGMENT, s(st.taggedSegment().name()));
        }
        if (st.taggedStage() != null) {
            item.put(TAGGED_STAGE, s(st.taggedStage().name()));
        }
        if (!st.pendingEvents().isEmpty()) {
            item.put(PENDING, AttributeValue.fromNs(st.pendingEvents().stream().map(String::valueOf).toList()));
        }
        item.put(VERSION, n(st.version()));
        item.put(UPDATED_AT, n(now.toEpochMilli()));
        return item;
    }

    public static RfmState state(Map<String, AttributeValue> item) {
        CustomerRef customer = CustomerRef.parse(str(item, CUSTOMER));
        RfmTotals totals = new RfmTotals(num(item, PAID_ORDERS, 0), num(item, PAID_FEN, 0), instant(item, LAST_PAID_AT));
        RfmProfile profile = null;
        if (item.containsKey(SEGMENT)) {
            String next = str(item, NEXT_BOUNDARY);
            profile = new RfmProfile(num(item, RECENCY_DAYS, 0), scores(item), Segment.valueOf(str(item, SEGMENT)),
                    LifecycleStage.valueOf(str(item, STAGE)), next == null ? null : LocalDate.parse(next));
        }
        String scoredOn = str(item, SCORED_ON);
        AttributeValue pending = item.get(PENDING);
        List<Long> pendingVersions = pending == null || !pending.hasNs() ? List.of()
                : pending.ns().stream().map(Long::parseLong).sorted().toList();
        return new RfmState(customer, totals, profile, scoredOn == null ? null : LocalDate.parse(scoredOn),
                segment(item, TAGGED_SEGMENT), stage(item, TAGGED_STAGE), pendingVersions, num(item, VERSION, 0));
    }

    public static Map<String, AttributeValue> transitionItem(String corpId, CustomerRef customer, RfmTransition t) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(customerPk(corpId, customer)));
        item.put(SK, s(historySk(t.version())));
        item.put(VERSION, n(t.version()));
        item.put(AT, n(t.at().toEpochMilli()));
        if (t.fromSegment() != null) {
            item.put(FROM_SEGMENT, s(t.fromSegment().name()));
        }
        if (t.toSegment() != null) {
            item.put(TO_SEGMENT, s(t.toSegment().name()));
        }
        if (t.fromStage() != null) {
            item.put(FROM_STAGE, s(t.fromStage().name()));
        }
        if (t.toStage() != null) {
            item.put(TO_STAGE, s(t.toStage().name()));
        }
        if (t.scores() != null) {
            item.put(R_SCORE, n(t.scores().recency()));
            item.put(F_SCORE, n(t.scores().frequency()));
            item.put(M_SCORE, n(t.scores().monetary()));
        }
        item.put(REASON, s(t.reason().name()));
        return item;
    }

    public static RfmTransition transition(Map<String, AttributeValue> item) {
        return new RfmTransition(num(item, VERSION, 0), instant(item, AT), segment(item, FROM_SEGMENT),
                segment(item, TO_SEGMENT), stage(item, FROM_STAGE), stage(item, TO_STAGE),
                item.containsKey(R_SCORE) ? scores(item) : null, RfmTransition.Reason.valueOf(str(item, REASON)));
    }

    public static Map<String, AttributeValue> thresholdsItem(String corpId, RfmThresholds t, Instant now, String by) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(configPk(corpId)));
        item.put(SK, s(THRESHOLDS));
        item.put(RECENCY_DAYS, numbers(t.recencyDays()));
        item.put(FREQUENCY_ORDERS, numbers(t.frequencyOrders()));
        item.put(MONETARY_FEN, numbers(t.monetaryFen()));
        item.put(HIGH_SCORE_FROM, n(t.highScoreFrom()));
        item.put(NEW_CUSTOMER_DAYS, n(t.newCustomerDays()));
        item.put(UPDATED_AT, n(now.toEpochMilli()));
        putIfPresent(item, UPDATED_BY, by);
        return item;
    }

    public static RfmThresholds thresholds(Map<String, AttributeValue> item) {
        return new RfmThresholds(
                longs(item, RECENCY_DAYS).stream().map(Long::intValue).toList(),
                longs(item, FREQUENCY_ORDERS),
                longs(item, MONETARY_FEN),
                (int) num(item, HIGH_SCORE_FROM, RfmThresholds.DEFAULTS.highScoreFrom()),
                (int) num(item, NEW_CUSTOMER_DAYS, RfmThresholds.DEFAULTS.newCustomerDays()));
    }

    private static RfmScores scores(Map<String, AttributeValue> item) {
        return new RfmScores((int) num(item, R_SCORE, 1), (int) num(item, F_SCORE, 1), (int) num(item, M_SCORE, 1));
    }

    private static Segment segment(Map<String, AttributeValue> item, String name) {
        String v = str(item, name);
        return v == null ? null : Segment.valueOf(v);
    }

    private static LifecycleStage stage(Map<String, AttributeValue> item, String name) {
        String v = str(item, name);
        return v == null ? null : LifecycleStage.valueOf(v);
    }

    private static AttributeValue numbers(List<? extends Number> values) {
        return AttributeValue.fromL(values.stream().map(v -> n(v.longValue())).toList());
    }

    private static List<Long> longs(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || !v.hasL() ? List.of() : v.l().stream().map(a -> Long.parseLong(a.n())).toList();
    }
}
