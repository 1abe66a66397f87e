package io.siyu.dynamodb;

import static io.siyu.dynamodb.Items.n;
import static io.siyu.dynamodb.Items.num;
import static io.siyu.dynamodb.Items.s;
import static io.siyu.dynamodb.Items.str;
import static io.siyu.dynamodb.Items.stringSet;

import io.siyu.core.sop.Audience;
import io.siyu.core.sop.ChatType;
import io.siyu.core.sop.Content;
import io.siyu.core.sop.Content.Attachment;
import io.siyu.core.sop.Cron;
import io.siyu.core.sop.DeliveryCounters;
import io.siyu.core.sop.GroupTarget;
import io.siyu.core.sop.Run;
import io.siyu.core.sop.RunCounters;
import io.siyu.core.sop.RunId;
import io.siyu.core.sop.Schedule;
import io.siyu.core.sop.Sop;
import io.siyu.core.sop.SopKind;
import io.siyu.core.sop.SopStatus;
import io.siyu.core.sop.Step;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The SOP table's item layout (docs/tables.md):
 * <ul>
 *   <li>{@code pk = corpId, sk = SOP#sopId}: a definition, audience and steps as nested maps;</li>
 *   <li>{@code pk = corpId, sk = PLANNER}: the planner's cursor, {@code nextMinute};</li>
 *   <li>{@code pk = corpId, sk = DAY#yyyy-MM-dd}: the day's one-a-day figures ({@link DynamoDbDailyClaims});</li>
 *   <li>{@code pk = corpId#sopId, sk = RUN#stepId#occurrence}: one step occurrence, its snapshot
 *       of step and audience, and its counters (moved only by ADD inside transitions).</li>
 * </ul>
 */
public final class SopItems {

    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String SOP = "SOP#";
    public static final String RUN = "RUN#";
    public static final String PLANNER = "PLANNER";

    public static final String SOP_ID = "sopId";
    public static final String NAME = "name";
    public static final String KIND = "kind";
    public static final String STATUS = "status";
    public static final String VERSION = "version";
    public static final String CREATED_AT = "createdAt";
    public static final String UPDATED_AT = "updatedAt";
    public static final String AUDIENCE = "audience";
    public static final String STEPS = "steps";
    public static final String NEXT_MINUTE = "nextMinute";
    public static final String RUN_KEY = "runKey";
    public static final String STEP_ID = "stepId";
    public static final String OCCURRENCE = "occurrence";
    public static final String CHAT_TYPE = "chatType";
    public static final String CONTENT = "content";
    public static final String SOP_VERSION = "sopVersion";

    /** Run counters, in {@link RunCounters} order. */
    public static final String PLANNED = "planned";
    public static final String SENT = "sent";
    public static final String FAILED = "failed";
    public static final String SKIPPED_LOST = "skippedLost";
    public static final String SKIPPED_PENDING = "skippedPending";
    public static final String SKIPPED_REFUSED = "skippedRefused";
    public static final String CHAINS = "chains";
    public static final String CHAINS_DONE = "chainsDone";
    public static final String DISPATCHES = "dispatches";
    public static final String DISPATCHES_DONE = "dispatchesDone";
    public static final String SKIPPED_DAILY_LIMIT_PLANNED = "skippedDailyLimitPlanned";
    public static final String DEFERRED = "deferred";
    public static final String DEFERRED_RESOLVED = "deferredResolved";
    public static final String PRIORITY = "priority";

    /** Delivery counters, in {@link DeliveryCounters} order ({@code sent} above means "task created"). */
    public static final String CONFIRMED = "confirmed";
    public static final String DELIVERED = "delivered";
    public static final String NOT_FRIEND = "notFriend";
    public static final String SKIPPED_DAILY_LIMIT = "skippedDailyLimit";
    public static final String UNCONFIRMED = "unconfirmed";
    public static final String CANCELLED = "cancelled";
    public static final String TASKS_CONFIRMED = "tasksConfirmed";
    public static final String TASKS_CLOSED = "tasksClosed";
    public static final String TASKS_CANCELLED = "tasksCancelled";
    public static final String REMINDERS = "reminders";

    private SopItems() {}

    public static Map<String, AttributeValue> sopKey(String corpId, String sopId) {
        return Map.of(PK, s(corpId), SK, s(SOP + sopId));
    }

    public static Map<String, AttributeValue> plannerKey(String corpId) {
        return Map.of(PK, s(corpId), SK, s(PLANNER));
    }

    public static Map<String, AttributeValue> runKey(RunId run) {
        return Map.of(PK, s(run.corpId() + "#" + run.sopId()), SK, s(RUN + run.stepId() + "#" + run.occurrence()));
    }

    // ------------------------------------------------------------------ definitions

    public static Map<String, AttributeValue> sopItem(Sop sop) {
        Map<String, AttributeValue> item = new HashMap<>(sopKey(sop.corpId(), sop.sopId()));
        item.put(SOP_ID, s(sop.sopId()));
        item.put(NAME, s(sop.name()));
        item.put(KIND, s(sop.kind().name()));
        item.put(STATUS, s(sop.status().name()));
        item.put(VERSION, n(sop.version()));
        item.put(PRIORITY, n(sop.priority()));
        Items.putIfPresent(item, CREATED_AT, sop.createdAt());
        Items.putIfPresent(item, UPDATED_AT, sop.updatedAt());
        item.put(AUDIENCE, audience(sop.audience()));
        item.put(STEPS, AttributeValue.fromL(sop.steps().stream().map(SopItems::step).toList()));
        return item;
    }

    public static Sop sop(String corpId, Map<String, AttributeValue> item) {
        List<Step> steps = item.get(STEPS).l().stream().map(v -> step(v.m())).toList();
        return new Sop(corpId, str(item, SOP_ID), str(item, NAME), SopKind.valueOf(str(item, KIND)),
                SopStatus.valueOf(str(item, STATUS)), audience(item.get(AUDIENCE).m()), steps, num(item, VERSION, 0),
                Items.instant(item, CREATED_AT), Items.instant(item, UPDATED_AT), (int) num(item, PRIORITY, Sop.DEFAULT_PRIORITY));
    }

    public static AttributeValue audience(Audience a) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        if (!a.senders().isEmpty()) {
            m.put("senders", list(a.senders()));
        }
        putSet(m, "tagsAny", a.tagsAny());
        putSet(m, "tagsAll", a.tagsAll());
        putSet(m, "tagsNone", a.tagsNone());
        putSet(m, "channelIds", a.channelIds());
        if (a.addedFrom() != null) {
            m.put("addedFrom", s(a.addedFrom().toString()));
        }
        if (a.addedTo() != null) {
            m.put("addedTo", s(a.addedTo().toString()));
        }
        putSet(m, "rfmSegments", a.rfmSegments());
        putSet(m, "lifecycleStages", a.lifecycleStages());
        if (!a.groupChats().isEmpty()) {
            m.put("groupChats", AttributeValue.fromL(a.groupChats().stream()
                    .map(g -> AttributeValue.fromM(Map.of("sender", s(g.sender()), "chatIds", list(g.chatIds())))).toList()));
        }
        return AttributeValue.fromM(m);
    }

    public static Audience audience(Map<String, AttributeValue> m) {
        List<GroupTarget> groups = m.containsKey("groupChats") ? m.get("groupChats").l().stream()
                .map(g -> new GroupTarget(str(g.m(), "sender"), strings(g.m().get("chatIds")))).toList() : List.of();
        return new Audience(m.containsKey("senders") ? strings(m.get("senders")) : List.of(), stringSet(m, "tagsAny"),
                stringSet(m, "tagsAll"), stringSet(m, "tagsNone"), stringSet(m, "channelIds"), date(m, "addedFrom"),
                date(m, "addedTo"), stringSet(m, "rfmSegments"), stringSet(m, "lifecycleStages"), groups);
    }

    private static AttributeValue step(Step step) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        m.put(STEP_ID, s(step.stepId()));
        m.put(CHAT_TYPE, s(step.chatType().name()));
        m.put("schedule", schedule(step.schedule()));
        m.put(CONTENT, content(step.content()));
        return AttributeValue.fromM(m);
    }

    private static Step step(Map<String, AttributeValue> m) {
        return new Step(str(m, STEP_ID), schedule(m.get("schedule").m()), ChatType.valueOf(str(m, CHAT_TYPE)), content(m.get(CONTENT).m()));
    }

    private static AttributeValue schedule(Schedule schedule) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        if (schedule instanceof Schedule.At at) {
            m.put("type", s("AT"));
            m.put("at", s(at.at().toString()));
        } else if (schedule instanceof Schedule.Recurring r) {
            m.put("type", s("CRON"));
            m.put("cron", s(r.cron().expression()));
        } else if (schedule instanceof Schedule.AfterAdd a) {
            m.put("type", s("AFTER_ADD"));
            m.put("minutes", n(a.minutes()));
        } else if (schedule instanceof Schedule.DayAt d) {
            m.put("type", s("DAY_AT"));
            m.put("day", n(d.day()));
            m.put("time", s(d.time().toString()));
        }
        return AttributeValue.fromM(m);
    }

    private static Schedule schedule(Map<String, AttributeValue> m) {
        return switch (str(m, "type")) {
            case "AT" -> new Schedule.At(LocalDateTime.parse(str(m, "at")));
            case "CRON" -> new Schedule.Recurring(Cron.parse(str(m, "cron")));
            case "AFTER_ADD" -> new Schedule.AfterAdd((int) num(m, "minutes", 0));
            case "DAY_AT" -> new Schedule.DayAt((int) num(m, "day", 0), LocalTime.parse(str(m, "time")));
            default -> throw new IllegalStateException("unknown schedule type " + str(m, "type"));
        };
    }

    public static AttributeValue content(Content c) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        if (c.text() != null && !c.text().isEmpty()) {
            m.put("text", s(c.text()));
        }
        List<AttributeValue> attachments = new ArrayList<>();
        for (Attachment a : c.attachments()) {
            Map<String, AttributeValue> am = new LinkedHashMap<>();
            if (a instanceof Attachment.Image i) {
                am.put("type", s("image"));
                Items.putIfPresent(am, "mediaId", i.mediaId());
                Items.putIfPresent(am, "picUrl", i.picUrl());
            } else if (a instanceof Attachment.Link l) {
                am.put("type", s("link"));
                Items.putIfPresent(am, "title", l.title());
                Items.putIfPresent(am, "url", l.url());
                Items.putIfPresent(am, "picUrl", l.picUrl());
                Items.putIfPresent(am, "desc", l.desc());
            } else if (a instanceof Attachment.MiniProgram p) {
                am.put("type", s("miniprogram"));
                Items.putIfPresent(am, "title", p.title());
                Items.putIfPresent(am, "picMediaId", p.picMediaId());
                Items.putIfPresent(am, "appId", p.appId());
                Items.putIfPresent(am, "page", p.page());
            }
            attachments.add(AttributeValue.fromM(am));
        }
        if (!attachments.isEmpty()) {
            m.put("attachments", AttributeValue.fromL(attachments));
        }
        return AttributeValue.fromM(m);
    }

    public static Content content(Map<String, AttributeValue> m) {
        List<Attachment> attachments = new ArrayList<>();
        if (m.containsKey("attachments")) {
            for (AttributeValue v : m.get("attachments").l()) {
                Map<String, AttributeValue> a = v.m();
                attachments.add(switch (str(a, "type")) {
                    case "image" -> new Attachment.Image(str(a, "mediaId"), str(a, "picUrl"));
                    case "link" -> new Attachment.Link(str(a, "title"), str(a, "url"), str(a, "picUrl"), str(a, "desc"));
                    case "miniprogram" -> new Attachment.MiniProgram(str(a, "title"), str(a, "picMediaId"), str(a, "appId"), str(a, "page"));
                    default -> throw new IllegalStateException("unknown attachment type " + str(a, "type"));
                });
            }
        }
        return new Content(str(m, "text"), attachments);
    }

    // ------------------------------------------------------------------ runs

    /** A new run's item: snapshot and zero counters (counters are only ever ADDed afterwards). */
    public static Map<String, AttributeValue> runSnapshot(Run run) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(RUN_KEY, s(run.id().key()));
        item.put(STEP_ID, s(run.id().stepId()));
        item.put(OCCURRENCE, s(run.id().occurrence()));
        item.put(KIND, s(run.kind().name()));
        item.put(CHAT_TYPE, s(run.chatType().name()));
        item.put(CONTENT, content(run.content()));
        item.put(AUDIENCE, audience(run.audience()));
        item.put(SOP_VERSION, n(run.sopVersion()));
        return item;
    }

    public static Run run(Map<String, AttributeValue> item) {
        RunId id = RunId.parse(str(item, RUN_KEY));
        return new Run(id, SopKind.valueOf(str(item, KIND)), ChatType.valueOf(str(item, CHAT_TYPE)), content(item.get(CONTENT).m()),
                audience(item.get(AUDIENCE).m()), num(item, SOP_VERSION, 0), Items.instant(item, CREATED_AT), counters(item),
                deliveryCounters(item));
    }

    public static DeliveryCounters deliveryCounters(Map<String, AttributeValue> item) {
        return new DeliveryCounters(num(item, CONFIRMED, 0), num(item, DELIVERED, 0), num(item, NOT_FRIEND, 0),
                num(item, SKIPPED_DAILY_LIMIT, 0), num(item, UNCONFIRMED, 0), num(item, CANCELLED, 0), num(item, TASKS_CONFIRMED, 0),
                num(item, TASKS_CLOSED, 0), num(item, TASKS_CANCELLED, 0), num(item, REMINDERS, 0));
    }

    public static RunCounters counters(Map<String, AttributeValue> item) {
        return new RunCounters(num(item, PLANNED, 0), num(item, SENT, 0), num(item, FAILED, 0), num(item, SKIPPED_LOST, 0),
                num(item, SKIPPED_PENDING, 0), num(item, SKIPPED_REFUSED, 0), num(item, CHAINS, 0), num(item, CHAINS_DONE, 0),
                num(item, DISPATCHES, 0), num(item, DISPATCHES_DONE, 0), num(item, SKIPPED_DAILY_LIMIT_PLANNED, 0), num(item, DEFERRED, 0),
                num(item, DEFERRED_RESOLVED, 0));
    }

    /**
     * An update that ADDs the non-zero counters of a delta, with its attribute names and values
     * (names are placeholders: some counter names are DynamoDB reserved words).
     */
    public record CounterUpdate(String expression, Map<String, String> names, Map<String, AttributeValue> values) {
        public boolean isEmpty() {
            return values.isEmpty();
        }
    }

    public static CounterUpdate counterUpdate(RunCounters delta) {
        long[] v = {delta.planned(), delta.sent(), delta.failed(), delta.skippedLost(), delta.skippedPending(), delta.skippedRefused(),
                delta.chains(), delta.chainsDone(), delta.dispatches(), delta.dispatchesDone(), delta.skippedDailyLimitPlanned(),
                delta.deferred(), delta.deferredResolved()};
        String[] n = {PLANNED, SENT, FAILED, SKIPPED_LOST, SKIPPED_PENDING, SKIPPED_REFUSED, CHAINS, CHAINS_DONE, DISPATCHES, DISPATCHES_DONE,
                SKIPPED_DAILY_LIMIT_PLANNED, DEFERRED, DEFERRED_RESOLVED};
        return adds(n, v);
    }

    public static CounterUpdate counterUpdate(DeliveryCounters delta) {
        long[] v = {delta.confirmed(), delta.sent(), delta.notFriend(), delta.skippedDailyLimit(), delta.unconfirmed(), delta.cancelled(),
                delta.tasksConfirmed(), delta.tasksClosed(), delta.tasksCancelled(), delta.reminders()};
        String[] n = {CONFIRMED, DELIVERED, NOT_FRIEND, SKIPPED_DAILY_LIMIT, UNCONFIRMED, CANCELLED, TASKS_CONFIRMED, TASKS_CLOSED,
                TASKS_CANCELLED, REMINDERS};
        return adds(n, v);
    }

    private static CounterUpdate adds(String[] n, long[] v) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        List<String> clauses = new ArrayList<>();
        for (int i = 0; i < n.length; i++) {
            if (v[i] != 0) {
                names.put("#c" + i, n[i]);
                values.put(":c" + i, Items.n(v[i]));
                clauses.add("#c" + i + " :c" + i);
            }
        }
        return new CounterUpdate(clauses.isEmpty() ? "" : "ADD " + String.join(", ", clauses), names, values);
    }

    // ------------------------------------------------------------------ helpers

    private static AttributeValue list(List<String> values) {
        return AttributeValue.fromL(values.stream().map(Items::s).toList());
    }

    private static List<String> strings(AttributeValue v) {
        return v == null || !v.hasL() ? List.of() : v.l().stream().map(AttributeValue::s).toList();
    }

    private static void putSet(Map<String, AttributeValue> m, String name, Set<String> values) {
        if (!values.isEmpty()) {
            m.put(name, Items.ss(values));
        }
    }

    private static LocalDate date(Map<String, AttributeValue> m, String name) {
        String v = str(m, name);
        return v == null ? null : LocalDate.parse(v);
    }
}
