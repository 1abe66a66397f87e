package io.siyu.functions.admin.sop;

import io.siyu.core.rfm.LifecycleStage;
import io.siyu.core.rfm.Segment;
import io.siyu.core.sop.Audience;
import io.siyu.core.sop.ChatType;
import io.siyu.core.sop.Content;
import io.siyu.core.sop.Content.Attachment;
import io.siyu.core.sop.Cron;
import io.siyu.core.sop.GroupTarget;
import io.siyu.core.sop.Schedule;
import io.siyu.core.sop.Sop;
import io.siyu.core.sop.SopKind;
import io.siyu.core.sop.SopStatus;
import io.siyu.core.sop.SopTime;
import io.siyu.core.sop.Step;
import io.siyu.functions.admin.http.ApiException;
import io.siyu.functions.admin.http.Validation;
import io.siyu.functions.admin.sop.SopJson.AddedBetween;
import io.siyu.functions.admin.sop.SopJson.AttachmentBody;
import io.siyu.functions.admin.sop.SopJson.AudienceBody;
import io.siyu.functions.admin.sop.SopJson.ContentBody;
import io.siyu.functions.admin.sop.SopJson.GroupBody;
import io.siyu.functions.admin.sop.SopJson.ScheduleBody;
import io.siyu.functions.admin.sop.SopJson.SopBody;
import io.siyu.functions.admin.sop.SopJson.SopView;
import io.siyu.functions.admin.sop.SopJson.StepBody;
import io.siyu.functions.admin.sop.SopJson.TagsBody;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import io.siyu.core.links.HttpUrls;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Validates an SOP request against the rules of docs/sop.md and WeCom's limits (wecom-api.md §6,
 * §9), naming every invalid field, and maps it to the domain; maps SOPs back to their JSON.
 */
final class SopRequests {

    static final int MAX_NAME = 100;
    static final int MAX_STEPS = 20;
    static final int MAX_SENDERS = 500;
    static final int MAX_FILTER_VALUES = 100;
    static final int MAX_CHATS = 5_000;
    static final int MAX_TEXT_BYTES = 4_000;
    static final int MAX_ATTACHMENTS = 9;
    static final int MAX_AFTER_MINUTES = 366 * 24 * 60;
    static final int MAX_DAY = 366;
    /** What the definition's text may add up to: the stored item must stay under DynamoDB's 400 KB. */
    static final int MAX_DEFINITION_BYTES = 300_000;

    private static final Pattern STEP_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    /** WeCom userids: 1–64 characters (wecom-api.md, general rules). */
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern MINUTE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}");
    private static final Pattern TIME = Pattern.compile("\\d{2}:\\d{2}");
    /** The RFM capability's names (docs/rfm.md): a filter on anything else could never match. */
    private static final Pattern RFM_SEGMENT = oneOf(Segment.values());
    private static final Pattern LIFECYCLE_STAGE = oneOf(LifecycleStage.values());

    /** The SOP a request defines, or an {@link ApiException} naming every invalid field. */
    Sop toSop(String corpId, String sopId, SopBody body, long version, Instant createdAt, Instant now) {
        Validation v = new Validation();
        v.required("name", body.name()).maxLength("name", body.name(), MAX_NAME);
        SopKind kind = enumOf(SopKind.class, body.kind(), "kind", v, null);
        SopStatus status = enumOf(SopStatus.class, body.status(), "status", v, SopStatus.ACTIVE);
        var p = body.priority();
        boolean absent = p == null || p.isNull();
        boolean valid = absent || p.isIntegralNumber() && p.canConvertToInt() && p.intValue() >= Sop.MIN_PRIORITY
                && p.intValue() <= Sop.MAX_PRIORITY;
        v.check(valid, "priority", "must be an integer from " + Sop.MIN_PRIORITY + " to " + Sop.MAX_PRIORITY + " (higher is planned first)");
        int priority = absent || !valid ? Sop.DEFAULT_PRIORITY : p.intValue();
        List<StepBody> stepBodies = body.steps() == null ? List.of() : body.steps();
        v.check(!stepBodies.isEmpty(), "steps", "at least one step is required");
        v.check(stepBodies.size() <= MAX_STEPS, "steps", "at most " + MAX_STEPS + " steps");

        List<Step> steps = new ArrayList<>();
        Set<String> stepIds = new HashSet<>();
        stepBodies.stream().map(StepBody::stepId).filter(id -> id != null).forEach(stepIds::add);
        Set<String> seen = new HashSet<>();
        int next = 1;
        int bytes = 0;
        for (int i = 0; i < stepBodies.size() && i < MAX_STEPS; i++) {
            String f = "steps[" + i + "]";
            StepBody s = stepBodies.get(i);
            if (s == null) {
                v.check(false, f, "is required");
                continue;
            }
            String stepId = s.stepId();
            if (stepId == null) {
                while (stepIds.contains("s" + next)) {
                    next++;
                }
                stepId = "s" + next++;
            } else {
                v.check(STEP_ID.matcher(stepId).matches(), f + ".stepId", "must be 1-32 of a-z, 0-9, '_', '-', starting with a letter or digit");
                v.check(seen.add(stepId), f + ".stepId", "is used by another step");
            }
            ChatType chatType = chatType(s.chatType(), f + ".chatType", v);
            Schedule schedule = schedule(s.schedule(), kind, f + ".schedule", now, v);
            Content content = content(s.content(), f + ".content", v);
            if (kind == SopKind.JOURNEY && chatType == ChatType.GROUP) {
                v.check(false, f + ".chatType", "journey steps go to customers (single): a group has no time it was added");
            }
            bytes += contentBytes(s.content());
            if (schedule != null && content != null && chatType != null) {
                steps.add(new Step(stepId, schedule, chatType, content));
            }
        }
        boolean customers = stepBodies.stream().anyMatch(s -> s != null && !"group".equals(s.chatType()));
        boolean groups = stepBodies.stream().anyMatch(s -> s != null && "group".equals(s.chatType()));
        Audience audience = audience(body.audience(), kind, customers, groups, v);
        if (body.audience() != null && body.audience().groupChats() != null) {
            bytes += body.audience().groupChats().stream().filter(g -> g != null && g.chatIds() != null)
                    .mapToInt(g -> g.chatIds().size() * 64).sum();
        }
        v.check(bytes <= MAX_DEFINITION_BYTES, "steps", "the SOP's content adds up to more than " + MAX_DEFINITION_BYTES
                + " bytes: split it into several SOPs");
        v.orThrow();
        return new Sop(corpId, sopId, body.name().trim(), kind, status, audience, steps, version, createdAt, now, priority);
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String value, String field, Validation v, E fallback) {
        if (value == null && fallback != null) {
            return fallback;
        }
        v.required(field, value);
        if (value == null) {
            return null;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(value)) {
                return e;
            }
        }
        List<String> names = Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
        v.check(false, field, "must be one of " + String.join(", ", names));
        return null;
    }

    private static ChatType chatType(String value, String field, Validation v) {
        if (value == null || value.equals("single")) {
            return ChatType.SINGLE;
        }
        if (value.equals("group")) {
            return ChatType.GROUP;
        }
        v.check(false, field, "must be single or group");
        return null;
    }

    private static Schedule schedule(ScheduleBody s, SopKind kind, String f, Instant now, Validation v) {
        if (s == null) {
            v.check(false, f, "is required");
            return null;
        }
        int forms = (s.at() != null ? 1 : 0) + (s.cron() != null ? 1 : 0) + (s.afterMinutes() != null ? 1 : 0)
                + (s.day() != null || s.time() != null ? 1 : 0);
        if (forms != 1) {
            v.check(false, f, "needs exactly one of at, cron, afterMinutes, or day with time");
            return null;
        }
        if (kind == SopKind.BROADCAST && (s.afterMinutes() != null || s.day() != null || s.time() != null)) {
            v.check(false, f, "a broadcast step runs at a time (at) or on a recurrence (cron)");
            return null;
        }
        if (kind == SopKind.JOURNEY && (s.at() != null || s.cron() != null)) {
            v.check(false, f, "a journey step runs after each customer's add (afterMinutes, or day with time)");
            return null;
        }
        if (s.at() != null) {
            if (!MINUTE.matcher(s.at()).matches()) {
                v.check(false, f + ".at", "must be a local date and time, yyyy-MM-ddTHH:mm (Asia/Shanghai)");
                return null;
            }
            try {
                LocalDateTime at = LocalDateTime.parse(s.at());
                v.check(SopTime.instant(at).isAfter(now), f + ".at", "must be in the future");
                return new Schedule.At(at);
            } catch (DateTimeParseException e) {
                v.check(false, f + ".at", "is not a valid date and time");
                return null;
            }
        }
        if (s.cron() != null) {
            try {
                return new Schedule.Recurring(Cron.parse(s.cron()));
            } catch (IllegalArgumentException e) {
                v.check(false, f + ".cron", "is not a cron expression (minute hour day-of-month month day-of-week): " + e.getMessage());
                return null;
            }
        }
        if (s.afterMinutes() != null) {
            v.check(s.afterMinutes() >= 0 && s.afterMinutes() <= MAX_AFTER_MINUTES, f + ".afterMinutes",
                    "must be between 0 and " + MAX_AFTER_MINUTES);
            return new Schedule.AfterAdd(s.afterMinutes());
        }
        boolean ok = true;
        if (s.day() == null || s.day() < 0 || s.day() > MAX_DAY) {
            v.check(false, f + ".day", "must be between 0 (the day of the add) and " + MAX_DAY);
            ok = false;
        }
        LocalTime time = null;
        if (s.time() == null || !TIME.matcher(s.time()).matches()) {
            v.check(false, f + ".time", "must be a local time, HH:mm");
            ok = false;
        } else {
            try {
                time = LocalTime.parse(s.time());
            } catch (DateTimeParseException e) {
                v.check(false, f + ".time", "is not a valid time");
                ok = false;
            }
        }
        return ok ? new Schedule.DayAt(s.day(), time) : null;
    }

    private static Content content(ContentBody c, String f, Validation v) {
        if (c == null) {
            v.check(false, f, "is required");
            return null;
        }
        String text = c.text() == null || c.text().isEmpty() ? null : c.text();
        List<AttachmentBody> bodies = c.attachments() == null ? List.of() : c.attachments();
        v.check(text != null || !bodies.isEmpty(), f, "needs text or at least one attachment");
        v.check(text == null || bytes(text) <= MAX_TEXT_BYTES, f + ".text", "must be at most " + MAX_TEXT_BYTES + " bytes (UTF-8)");
        String scheme = HttpUrls.otherScheme(text);
        v.check(scheme == null, f + ".text", "contains a " + scheme + ": URL; only http:// and https:// URLs can be sent "
                + "(they become tracked links)");
        v.check(bodies.size() <= MAX_ATTACHMENTS, f + ".attachments", "at most " + MAX_ATTACHMENTS + " attachments");
        List<Attachment> attachments = new ArrayList<>();
        for (int i = 0; i < bodies.size() && i < MAX_ATTACHMENTS; i++) {
            String af = f + ".attachments[" + i + "]";
            AttachmentBody a = bodies.get(i);
            if (a == null || a.type() == null) {
                v.check(false, af + ".type", "is required (image, link or miniprogram)");
                continue;
            }
            switch (a.type()) {
                case "image" -> {
                    v.check(a.mediaId() != null || a.picUrl() != null, af, "needs mediaId or picUrl");
                    url(a.picUrl(), af + ".picUrl", false, v);
                    only(a, af, v, "mediaId", "picUrl");
                    attachments.add(new Attachment.Image(a.mediaId(), a.picUrl()));
                }
                case "link" -> {
                    v.required(af + ".title", a.title());
                    v.check(a.title() == null || bytes(a.title()) <= 128, af + ".title", "must be at most 128 bytes");
                    url(a.url(), af + ".url", true, v);
                    url(a.picUrl(), af + ".picUrl", false, v);
                    v.check(a.desc() == null || bytes(a.desc()) <= 512, af + ".desc", "must be at most 512 bytes");
                    only(a, af, v, "title", "url", "picUrl", "desc");
                    attachments.add(new Attachment.Link(a.title(), a.url(), a.picUrl(), a.desc()));
                }
                case "miniprogram" -> {
                    v.required(af + ".title", a.title());
                    v.check(a.title() == null || bytes(a.title()) <= 64, af + ".title", "must be at most 64 bytes");
                    v.required(af + ".picMediaId", a.picMediaId());
                    v.required(af + ".appId", a.appId());
                    v.required(af + ".page", a.page());
                    only(a, af, v, "title", "picMediaId", "appId", "page");
                    attachments.add(new Attachment.MiniProgram(a.title(), a.picMediaId(), a.appId(), a.page()));
                }
                default -> v.check(false, af + ".type", "must be image, link or miniprogram");
            }
        }
        return new Content(text, attachments);
    }

    /** A field of another attachment type is a mistake worth naming, not something to drop silently. */
    private static void only(AttachmentBody a, String f, Validation v, String... allowed) {
        Set<String> ok = Set.of(allowed);
        Map<String, Object> given = new java.util.LinkedHashMap<>();
        given.put("mediaId", a.mediaId());
        given.put("picUrl", a.picUrl());
        given.put("title", a.title());
        given.put("url", a.url());
        given.put("desc", a.desc());
        given.put("picMediaId", a.picMediaId());
        given.put("appId", a.appId());
        given.put("page", a.page());
        given.forEach((name, value) -> v.check(value == null || ok.contains(name), f + "." + name, "is not a field of a " + a.type()));
    }

    private static void url(String url, String f, boolean required, Validation v) {
        if (url == null) {
            if (required) {
                v.required(f, null);
            }
            return;
        }
        v.check(bytes(url) <= 2048, f, "must be at most 2048 bytes");
        v.check(bytes(url) > 2048 || HttpUrls.isHttpUrl(url), f,
                "must be an absolute http:// or https:// URL with a host and no spaces (links are tracked and redirected only to http(s))");
    }

    private static Audience audience(AudienceBody a, SopKind kind, boolean customerSteps, boolean groupSteps, Validation v) {
        AudienceBody body = a == null ? new AudienceBody(null, null, null, null, null, null, null) : a;
        List<String> senders = distinct(body.senders(), "audience.senders", USER_ID, MAX_SENDERS, v);
        if (kind == SopKind.BROADCAST && customerSteps) {
            v.check(!senders.isEmpty(), "audience.senders", "a broadcast to customers needs its senders (the staff members whose customers get it)");
        }
        TagsBody tags = body.tags() == null ? new TagsBody(null, null, null) : body.tags();
        List<String> any = distinct(tags.any(), "audience.tags.any", ID, MAX_FILTER_VALUES, v);
        List<String> all = distinct(tags.all(), "audience.tags.all", ID, MAX_FILTER_VALUES, v);
        List<String> none = distinct(tags.none(), "audience.tags.none", ID, MAX_FILTER_VALUES, v);
        List<String> channels = distinct(body.channelIds(), "audience.channelIds", ID, MAX_FILTER_VALUES, v);
        List<String> rfm = distinct(body.rfmSegments(), "audience.rfmSegments", RFM_SEGMENT, MAX_FILTER_VALUES, v);
        List<String> stages = distinct(body.lifecycleStages(), "audience.lifecycleStages", LIFECYCLE_STAGE, MAX_FILTER_VALUES, v);
        LocalDate from = null;
        LocalDate to = null;
        AddedBetween between = body.addedBetween();
        if (between != null) {
            from = date(between.from(), "audience.addedBetween.from", v);
            to = date(between.to(), "audience.addedBetween.to", v);
            v.check(between.from() != null || between.to() != null, "audience.addedBetween", "needs from, to, or both");
            v.check(from == null || to == null || !from.isAfter(to), "audience.addedBetween", "from must not be after to");
        }
        List<GroupTarget> groups = new ArrayList<>();
        List<GroupBody> groupBodies = body.groupChats() == null ? List.of() : body.groupChats();
        int chats = 0;
        for (int i = 0; i < groupBodies.size(); i++) {
            String f = "audience.groupChats[" + i + "]";
            GroupBody g = groupBodies.get(i);
            if (g == null) {
                v.check(false, f, "is required");
                continue;
            }
            v.check(g.sender() != null && USER_ID.matcher(g.sender()).matches(), f + ".sender", "must be a WeCom userid (1-64 characters)");
            List<String> ids = distinct(g.chatIds(), f + ".chatIds", ID, MAX_CHATS, v);
            v.check(!ids.isEmpty(), f + ".chatIds", "at least one chat id is required");
            chats += ids.size();
            groups.add(new GroupTarget(g.sender() == null ? "" : g.sender(), ids));
        }
        v.check(chats <= MAX_CHATS, "audience.groupChats", "at most " + MAX_CHATS + " chats in all");
        if (groupSteps) {
            v.check(!groups.isEmpty(), "audience.groupChats", "group steps need the chats to send to, per sender");
        }
        return new Audience(senders, Set.copyOf(any), Set.copyOf(all), Set.copyOf(none), Set.copyOf(channels), from, to,
                Set.copyOf(rfm), Set.copyOf(stages), groups);
    }

    private static List<String> distinct(List<String> values, String f, Pattern pattern, int max, Validation v) {
        if (values == null) {
            return List.of();
        }
        v.check(values.size() <= max, f, "at most " + max + " values");
        Set<String> out = new LinkedHashSet<>();
        for (String value : values) {
            if (value == null || !pattern.matcher(value).matches()) {
                v.check(false, f, "has an invalid value: " + (value == null ? "null" : abbreviate(value)));
                continue;
            }
            out.add(value);
        }
        return List.copyOf(out);
    }

    private static Pattern oneOf(Enum<?>[] names) {
        return Pattern.compile(Arrays.stream(names).map(Enum::name).collect(Collectors.joining("|")));
    }

    private static LocalDate date(String value, String f, Validation v) {
        if (value == null) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            v.check(false, f, "must be a date, yyyy-MM-dd");
            return null;
        }
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static int contentBytes(ContentBody c) {
        if (c == null) {
            return 0;
        }
        int n = c.text() == null ? 0 : bytes(c.text());
        for (AttachmentBody a : c.attachments() == null ? List.<AttachmentBody>of() : c.attachments()) {
            if (a != null) {
                for (String s : new String[] {a.mediaId(), a.picUrl(), a.title(), a.url(), a.desc(), a.picMediaId(), a.appId(), a.page()}) {
                    n += s == null ? 0 : bytes(s);
                }
            }
        }
        return n;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    // ------------------------------------------------------------------ back to JSON

    static SopView view(Sop sop) {
        Audience a = sop.audience();
        AudienceBody audience = new AudienceBody(a.senders(), new TagsBody(sorted(a.tagsAny()), sorted(a.tagsAll()), sorted(a.tagsNone())),
                sorted(a.channelIds()), a.addedFrom() == null && a.addedTo() == null ? null
                : new AddedBetween(a.addedFrom() == null ? null : a.addedFrom().toString(), a.addedTo() == null ? null : a.addedTo().toString()),
                sorted(a.rfmSegments()), sorted(a.lifecycleStages()),
                a.groupChats().stream().map(g -> new GroupBody(g.sender(), g.chatIds())).toList());
        List<StepBody> steps = sop.steps().stream().map(SopRequests::step).toList();
        return new SopView(sop.sopId(), sop.name(), sop.kind().name(), sop.status().name(), sop.priority(), SopTime.ZONE.getId(), sop.version(),
                instant(sop.createdAt()), instant(sop.updatedAt()), audience, steps);
    }

    private static StepBody step(Step s) {
        ScheduleBody schedule;
        if (s.schedule() instanceof Schedule.At at) {
            schedule = new ScheduleBody(at.at().toString(), null, null, null, null);
        } else if (s.schedule() instanceof Schedule.Recurring r) {
            schedule = new ScheduleBody(null, r.cron().expression(), null, null, null);
        } else if (s.schedule() instanceof Schedule.AfterAdd after) {
            schedule = new ScheduleBody(null, null, after.minutes(), null, null);
        } else {
            Schedule.DayAt d = (Schedule.DayAt) s.schedule();
            schedule = new ScheduleBody(null, null, null, d.day(), d.time().toString());
        }
        List<AttachmentBody> attachments = s.content().attachments().stream().map(a -> {
            if (a instanceof Attachment.Image i) {
                return new AttachmentBody("image", i.mediaId(), i.picUrl(), null, null, null, null, null, null);
            }
            if (a instanceof Attachment.Link l) {
                return new AttachmentBody("link", null, l.picUrl(), l.title(), l.url(), l.desc(), null, null, null);
            }
            Attachment.MiniProgram p = (Attachment.MiniProgram) a;
            return new AttachmentBody("miniprogram", null, null, p.title(), null, null, p.picMediaId(), p.appId(), p.page());
        }).toList();
        return new StepBody(s.stepId(), s.chatType() == ChatType.GROUP ? "group" : "single", schedule,
                new ContentBody(s.content().text(), attachments));
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }

    private static String instant(Instant t) {
        return t == null ? null : t.toString();
    }
}
