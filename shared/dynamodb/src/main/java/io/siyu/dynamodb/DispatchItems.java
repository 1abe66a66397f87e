package io.siyu.dynamodb;

import static io.siyu.dynamodb.Items.n;
import static io.siyu.dynamodb.Items.num;
import static io.siyu.dynamodb.Items.s;
import static io.siyu.dynamodb.Items.str;

import io.siyu.core.sop.Chain;
import io.siyu.core.sop.Chain.OpenDispatch;
import io.siyu.core.sop.ChainSource;
import io.siyu.core.sop.ChatType;
import io.siyu.core.sop.DispatchHead;
import io.siyu.core.sop.DispatchStatus;
import io.siyu.core.sop.RecipientPage;
import io.siyu.core.sop.RunId;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The SOP dispatch table's item layout (docs/tables.md). Every item expires ({@code expiresAt},
 * epoch seconds) after the retention: the figures that outlive it are the run counters.
 * <ul>
 *   <li>{@code pk = chainKey, sk = CHAIN}: a planning chain's state;</li>
 *   <li>{@code pk = dispatchKey, sk = HEAD}: a dispatch (one WeCom call), with {@code runKey} and
 *       {@code dispatchSort} for the sparse ByRun index, and while the delivery sync follows its
 *       task {@code deliveryCorp} and {@code deliveryCheckAt} for the sparse ByDeliveryCheck index;</li>
 *   <li>{@code pk = dispatchKey, sk = PAGE#0001 ...}: its recipients, and per-recipient exceptions.</li>
 * </ul>
 */
public final class DispatchItems {

    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String CHAIN = "CHAIN";
    public static final String HEAD = "HEAD";
    public static final String PAGE = "PAGE#";
    public static final String EXPIRES_AT = "expiresAt";

    public static final String RUN_KEY = "runKey";
    public static final String SOURCE_TYPE = "sourceType";
    public static final String USER_ID = "userId";
    public static final String BUCKET = "bucket";
    public static final String DAY = "day";
    public static final String FROM = "from";
    public static final String TO = "to";
    public static final String SEQ = "seq";
    public static final String POSITION = "position";
    public static final String DONE = "done";
    public static final String OPEN = "open";
    public static final String PENDING_SEND = "pendingSend";
    /** On a chain: the higher-priority chains of its planning minute it waits for. */
    public static final String AFTER = "after";

    public static final String DISPATCH_SORT = "dispatchSort";
    public static final String SENDER = "sender";
    public static final String NUMBER = "number";
    public static final String CHAT_TYPE = "chatType";
    public static final String CONTENT = "content";
    public static final String RECIPIENTS = "recipients";
    public static final String PAGES = "pages";
    public static final String STATUS = "status";
    public static final String ATTEMPTS = "attempts";
    public static final String CLAIM_TOKEN = "claimToken";
    public static final String LEASE_UNTIL = "leaseUntil";
    public static final String MSGID = "msgid";
    public static final String REFUSED = "refused";
    public static final String FAILURE_REASON = "failureReason";
    public static final String DETAIL = "detail";
    public static final String CREATED_AT = "createdAt";
    public static final String SENT_AT = "sentAt";
    public static final String FINISHED_AT = "finishedAt";
    public static final String IDS = "ids";
    public static final String EXCEPTIONS = "exceptions";

    /** Delivery follow-up (issue 10): set when WeCom created the task, removed when the sync stops following it. */
    public static final String DELIVERY_CORP = "deliveryCorp";
    public static final String DELIVERY_CHECK_AT = "deliveryCheckAt";
    public static final String CONFIRMED_AT = "confirmedAt";
    public static final String REMINDERS = "reminders";
    public static final String LAST_REMINDED_AT = "lastRemindedAt";
    public static final String REMINDERS_STOPPED = "remindersStopped";
    public static final String CANCELLED_AT = "cancelledAt";
    public static final String DELIVERY = "delivery";
    public static final String DELIVERY_CLOSED_AT = "deliveryClosedAt";
    /** On recipient pages: moved by every conditional write of the delivery sync. */
    public static final String SYNC_VERSION = "syncVersion";

    public static final String BY_RUN = "ByRun";
    /** Sparse (followed tasks only): the corp's tasks by their next delivery check. */
    public static final String BY_DELIVERY_CHECK = "ByDeliveryCheck";

    private DispatchItems() {}

    public static Map<String, AttributeValue> chainKey(String chainKey) {
        return Map.of(PK, s(chainKey), SK, s(CHAIN));
    }

    public static Map<String, AttributeValue> headKey(String dispatchKey) {
        return Map.of(PK, s(dispatchKey), SK, s(HEAD));
    }

    public static Map<String, AttributeValue> pageKey(String dispatchKey, int page) {
        return Map.of(PK, s(dispatchKey), SK, s(PAGE + String.format("%04d", page)));
    }

    // ------------------------------------------------------------------ chains

    public static Map<String, AttributeValue> newChain(Chain chain, Instant expiresAt) {
        Map<String, AttributeValue> item = new HashMap<>(chainKey(chain.key()));
        item.put(RUN_KEY, s(chain.run().key()));
        if (chain.source() instanceof ChainSource.Staff st) {
            item.put(SOURCE_TYPE, s("S"));
            item.put(USER_ID, s(st.userId()));
        } else if (chain.source() instanceof ChainSource.Groups g) {
            item.put(SOURCE_TYPE, s("G"));
            item.put(USER_ID, s(g.sender()));
        } else if (chain.source() instanceof ChainSource.Deferred d) {
            item.put(SOURCE_TYPE, s("D"));
            item.put(BUCKET, n(d.bucket().toEpochMilli()));
        } else if (chain.source() instanceof ChainSource.Added a) {
            item.put(SOURCE_TYPE, s("J"));
            item.put(BUCKET, n(a.bucket().toEpochMilli()));
            item.put(DAY, s(a.day().toString()));
            item.put(FROM, n(a.from().toEpochMilli()));
            item.put(TO, n(a.to().toEpochMilli()));
        }
        item.put(SEQ, n(chain.seq()));
        item.put(DONE, AttributeValue.fromBool(chain.done()));
        item.put(OPEN, open(chain.open()));
        item.put(PENDING_SEND, AttributeValue.fromL(List.of()));
        if (!chain.after().isEmpty()) {
            item.put(AFTER, AttributeValue.fromL(chain.after().stream().map(Items::s).toList()));
        }
        item.put(EXPIRES_AT, n(expiresAt.getEpochSecond()));
        return item;
    }

    public static Chain chain(Map<String, AttributeValue> item) {
        ChainSource source = switch (str(item, SOURCE_TYPE)) {
            case "S" -> new ChainSource.Staff(str(item, USER_ID));
            case "G" -> new ChainSource.Groups(str(item, USER_ID));
            case "D" -> new ChainSource.Deferred(Items.instant(item, BUCKET));
            case "J" -> new ChainSource.Added(Items.instant(item, BUCKET), LocalDate.parse(str(item, DAY)), Items.instant(item, FROM),
                    Items.instant(item, TO));
            default -> throw new IllegalStateException("unknown chain source " + str(item, SOURCE_TYPE));
        };
        Map<String, OpenDispatch> open = new LinkedHashMap<>();
        item.getOrDefault(OPEN, AttributeValue.fromM(Map.of())).m().forEach((sender, v) -> open.put(sender,
                new OpenDispatch((int) num(v.m(), "n", 1), (int) num(v.m(), "p", 0), (int) num(v.m(), "f", 0))));
        List<String> pending = item.containsKey(PENDING_SEND) ? item.get(PENDING_SEND).l().stream().map(AttributeValue::s).toList() : List.of();
        List<String> after = item.containsKey(AFTER) ? item.get(AFTER).l().stream().map(AttributeValue::s).toList() : List.of();
        AttributeValue done = item.get(DONE);
        return new Chain(str(item, PK), RunId.parse(str(item, RUN_KEY)), source, num(item, SEQ, 0), str(item, POSITION),
                done != null && Boolean.TRUE.equals(done.bool()), open, pending, after);
    }

    public static AttributeValue open(Map<String, OpenDispatch> open) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        open.forEach((sender, d) -> m.put(sender, AttributeValue.fromM(Map.of("n", n(d.number()), "p", n(d.pages()), "f", n(d.filled())))));
        return AttributeValue.fromM(m);
    }

    // ------------------------------------------------------------------ dispatches

    public static Map<String, AttributeValue> head(DispatchHead h, Instant now, Instant expiresAt) {
        Map<String, AttributeValue> item = new HashMap<>(headKey(h.key()));
        item.put(RUN_KEY, s(h.run().key()));
        item.put(DISPATCH_SORT, s(h.sender() + "#" + h.key().substring(h.run().key().length() + 1)));
        item.put(SENDER, s(h.sender()));
        item.put(NUMBER, n(h.number()));
        item.put(CHAT_TYPE, s(h.chatType().name()));
        item.put(CONTENT, SopItems.content(h.content()));
        item.put(RECIPIENTS, n(h.recipients()));
        item.put(PAGES, n(h.pages()));
        item.put(STATUS, s(DispatchStatus.PLANNED.name()));
        item.put(ATTEMPTS, n(0));
        item.put(CREATED_AT, n(now.toEpochMilli()));
        item.put(EXPIRES_AT, n(expiresAt.getEpochSecond()));
        return item;
    }

    public static DispatchHead head(Map<String, AttributeValue> item) {
        String key = str(item, PK);
        return new DispatchHead(key, RunId.parse(str(item, RUN_KEY)), str(item, SENDER), (int) num(item, NUMBER, 1),
                ChatType.valueOf(str(item, CHAT_TYPE)), SopItems.content(item.get(CONTENT).m()), (int) num(item, RECIPIENTS, 0),
                (int) num(item, PAGES, 0));
    }

    public static Map<String, AttributeValue> page(RecipientPage p, Instant expiresAt) {
        Map<String, AttributeValue> item = new HashMap<>(pageKey(p.dispatchKey(), p.page()));
        item.put(IDS, AttributeValue.fromL(p.ids().stream().map(Items::s).toList()));
        item.put(EXPIRES_AT, n(expiresAt.getEpochSecond()));
        return item;
    }

    public static RecipientPage page(Map<String, AttributeValue> item) {
        return new RecipientPage(str(item, PK), Integer.parseInt(str(item, SK).substring(PAGE.length())),
                item.get(IDS).l().stream().map(AttributeValue::s).toList());
    }
}
