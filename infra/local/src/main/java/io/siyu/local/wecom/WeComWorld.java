package io.siyu.local.wecom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.siyu.wecom.callback.CallbackXml;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What WeCom knows about one corp, for the local stack's WeCom stub: customers and which staff
 * member follows each (with the {@code state} they came through), customer groups and their
 * members, 「联系我」 and 「加入群聊」 configurations, corp tags, welcome codes and mass-message
 * tasks. Every reply has WeCom's field names (../shared/notes/wecom-api.md, sections cited per
 * method).
 *
 * <p>WeCom's own state changes first and the callback follows; the stub learns those changes by
 * reading the callbacks the stack accepts ({@link #observe}), so whatever sends callbacks (the demo,
 * a test, a person with {@code siyu crypto encrypt}) keeps the stub consistent. What a callback
 * does not carry (a customer's name and unionid, the join-way state of a group member, a group's
 * owner) can be set beforehand through the control API ({@code /_local/wecom/...}); otherwise it is
 * made up deterministically from the ids.
 */
public final class WeComWorld {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneId CORP_ZONE = ZoneId.of("Asia/Shanghai");
    /** wecom-api.md §6: a welcome code is usable once, within 20 seconds. */
    static final Duration WELCOME_CODE_VALIDITY = Duration.ofSeconds(20);

    /** A reply: WeCom always answers HTTP 200 with errcode in the body. */
    public static ObjectNode ok() {
        return JSON.createObjectNode().put("errcode", 0).put("errmsg", "ok");
    }

    public static ObjectNode error(int errcode, String errmsg) {
        return JSON.createObjectNode().put("errcode", errcode).put("errmsg", errmsg);
    }

    /** Thrown inside the world to answer an errcode. */
    static final class WeComError extends RuntimeException {
        final int errcode;

        WeComError(int errcode, String errmsg) {
            super(errmsg, null, false, false);
            this.errcode = errcode;
        }
    }

    private static final class Follow {
        String userId;
        long createTime;
        String state;
        int addWay;
        final Set<String> tagIds = new LinkedHashSet<>();
    }

    private static final class Customer {
        final String externalUserId;
        String name;
        int type;
        int gender;
        String unionId;
        final Map<String, Follow> follows = new LinkedHashMap<>();

        Customer(String externalUserId) {
            this.externalUserId = externalUserId;
            // wecom-api.md: wm... is a WeChat user (type 1), wo... a WeCom user (type 2).
            this.type = externalUserId.startsWith("wo") ? 2 : 1;
            this.name = "客户" + externalUserId.substring(Math.max(0, externalUserId.length() - 4));
            this.unionId = type == 1 ? "o" + hash(externalUserId).substring(0, 27) : null;
        }
    }

    private static final class Member {
        String userId;
        int type;
        long joinTime;
        int joinScene;
        String invitor;
        String state;
        String groupNickname = "";
    }

    private static final class Group {
        final String chatId;
        String name;
        String owner;
        long createTime;
        String notice = "";
        final Map<String, Member> members = new LinkedHashMap<>();
        String memberVersion;

        Group(String chatId) {
            this.chatId = chatId;
            this.name = "群" + chatId.substring(Math.max(0, chatId.length() - 4));
            this.owner = "";
        }
    }

    private record WelcomeCode(Instant receivedAt, String userId, String externalUserId) {}

    private static final class Task {
        int status;
        long sendTime;
    }

    private record SendResult(String target, boolean chat, String userId, int status, long sendTime) {}

    private static final class MassMessage {
        final String msgid;
        final JsonNode request;
        final long createTime;
        final Map<String, Task> tasks = new LinkedHashMap<>();
        final Map<String, List<String>> recipientsBySender = new LinkedHashMap<>();
        final List<SendResult> results = new ArrayList<>();
        boolean cancelled;

        MassMessage(String msgid, JsonNode request, long createTime) {
            this.msgid = msgid;
            this.request = request;
            this.createTime = createTime;
        }
    }

    private final Clock clock;
    private final boolean autoConfirmMassMessages;
    private final Map<String, Customer> customers = new LinkedHashMap<>();
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final Map<String, ObjectNode> pendingJoins = new LinkedHashMap<>();
    private final Map<String, ObjectNode> contactWays = new LinkedHashMap<>();
    private final Map<String, ObjectNode> joinWays = new LinkedHashMap<>();
    private final Map<String, ObjectNode> tagGroups = new LinkedHashMap<>();
    private final Map<String, WelcomeCode> welcomeCodes = new LinkedHashMap<>();
    private final Set<String> usedWelcomeCodes = new HashSet<>();
    /** The time of the last removal seen per customer and staff member: an older add arriving late changes nothing. */
    private final Map<String, Long> removedAt = new LinkedHashMap<>();
    private final Map<String, MassMessage> messages = new LinkedHashMap<>();
    private final Map<String, Set<LocalDate>> massMessageDays = new LinkedHashMap<>();
    /** Members who confirm mass messages themselves (through {@link #confirm}), even when others confirm automatically. */
    private final Set<String> confirmingByHand = new HashSet<>();
    private final AtomicLong ids = new AtomicLong();

    /** Where the QR images of 「联系我」 and 「加入群聊」 codes are (WeCom's CDN; the stub serves its own). */
    private volatile String imageBase = "https://wework.qpic.cn";

    public WeComWorld(Clock clock, boolean autoConfirmMassMessages) {
        this.clock = clock;
        this.autoConfirmMassMessages = autoConfirmMassMessages;
    }

    /** QR image URLs from now on start with {@code base} (the stub's own address, so the images load offline). */
    public void imagesAt(String base) {
        this.imageBase = base;
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    private String newId(String prefix) {
        return prefix + hash(prefix + ids.incrementAndGet() + clock.instant()).substring(0, 32 - prefix.length());
    }

    // ------------------------------------------------------------------ callbacks (what happened in WeCom)

    /** Applies a callback WeCom sent (the decrypted XML) to the world. Applying one twice changes nothing. */
    public synchronized void observe(String plaintextXml, Instant receivedAt) {
        CallbackXml.Fields f = CallbackXml.parse(plaintextXml);
        String event = f.get("Event");
        String change = f.get("ChangeType");
        long createTime = parseLong(f.get("CreateTime"), now());
        if ("change_external_contact".equals(event)) {
            String userId = f.get("UserID");
            String externalUserId = f.get("ExternalUserID");
            if (userId == null || externalUserId == null) {
                return;
            }
            switch (String.valueOf(change)) {
                case "add_external_contact", "add_half_external_contact" -> {
                    Customer c = customers.computeIfAbsent(externalUserId, Customer::new);
                    Follow existing = c.follows.get(userId);
                    boolean removedLater = removedAt.getOrDefault(externalUserId + "/" + userId, Long.MIN_VALUE) >= createTime;
                    if (!removedLater && (existing == null || existing.createTime < createTime)) {
                        Follow follow = new Follow();
                        follow.userId = userId;
                        follow.createTime = createTime;
                        follow.state = f.get("State");
                        follow.addWay = follow.state != null ? 1 : 0;
                        c.follows.put(userId, follow);
                    }
                    String code = f.get("WelcomeCode");
                    if (code != null && !welcomeCodes.containsKey(code)) {
                        welcomeCodes.put(code, new WelcomeCode(receivedAt, userId, externalUserId));
                    }
                }
                case "del_external_contact", "del_follow_user" -> {
                    removedAt.merge(externalUserId + "/" + userId, createTime, Math::max);
                    Customer c = customers.get(externalUserId);
                    if (c != null) {
                        Follow follow = c.follows.get(userId);
                        if (follow != null && follow.createTime <= createTime) {
                            c.follows.remove(userId);
                        }
                    }
                }
                default -> { }
            }
        } else if ("change_external_chat".equals(event)) {
            String chatId = f.get("ChatId");
            if (chatId == null) {
                return;
            }
            switch (String.valueOf(change)) {
                case "create" -> groups.computeIfAbsent(chatId, Group::new).createTime = createTime;
                case "dismiss" -> groups.remove(chatId);
                case "update" -> {
                    Group g = groups.computeIfAbsent(chatId, Group::new);
                    List<String> changed = memberList(f);
                    if ("add_member".equals(f.get("UpdateDetail"))) {
                        for (String id : changed) {
                            if (!g.members.containsKey(id)) {
                                g.members.put(id, joiningMember(chatId, id, createTime, parseInt(f.get("JoinScene"), 0)));
                            }
                        }
                    } else if ("del_member".equals(f.get("UpdateDetail"))) {
                        changed.forEach(g.members::remove);
                    }
                    String current = f.get("CurMemVer");
                    g.memberVersion = current != null ? current : memberVersion(g);
                }
                default -> { }
            }
        }
    }

    private static List<String> memberList(CallbackXml.Fields f) {
        List<String> items = f.list("MemChangeList");
        if (!items.isEmpty()) {
            return items;
        }
        String flat = f.get("MemChangeList");
        return flat == null || flat.isBlank() ? List.of() : List.of(flat.split(","));
    }

    private Member joiningMember(String chatId, String userId, long joinTime, int eventJoinScene) {
        ObjectNode facts = pendingJoins.remove(chatId + "/" + userId);
        Member m = new Member();
        m.userId = userId;
        m.type = userId.startsWith("wm") || userId.startsWith("wo") ? 2 : 1;
        m.joinTime = joinTime;
        // wecom-api.md §1b/§8: the event's JoinScene is 0 (invited) or 3 (QR); groupchat/get uses 1/2/3.
        m.joinScene = eventJoinScene == 3 ? 3 : 1;
        if (facts != null) {
            m.state = text(facts, "state");
            m.joinScene = facts.path("join_scene").asInt(m.joinScene);
            m.invitor = text(facts, "invitor");
            m.type = facts.path("type").asInt(m.type);
            m.groupNickname = facts.path("group_nickname").asText("");
        }
        return m;
    }

    private static String memberVersion(Group g) {
        return hash(String.join(",", new TreeMap<>(g.members).keySet())).substring(0, 32);
    }

    // ------------------------------------------------------------------ facts set through the control API

    /** Sets what WeCom knows of a customer that callbacks do not carry (name, type, gender, unionid). */
    public synchronized ObjectNode putCustomer(String externalUserId, JsonNode facts) {
        Customer c = customers.computeIfAbsent(externalUserId, Customer::new);
        if (facts.hasNonNull("name")) {
            c.name = facts.get("name").asText();
        }
        if (facts.hasNonNull("type")) {
            c.type = facts.get("type").asInt();
        }
        if (facts.hasNonNull("gender")) {
            c.gender = facts.get("gender").asInt();
        }
        if (facts.has("unionid")) {
            c.unionId = facts.get("unionid").isNull() ? null : facts.get("unionid").asText();
        }
        return customerReply(c, null);
    }

    /** Sets a group's name, owner and notice. */
    public synchronized ObjectNode putGroup(String chatId, JsonNode facts) {
        Group g = groups.computeIfAbsent(chatId, Group::new);
        if (facts.hasNonNull("name")) {
            g.name = facts.get("name").asText();
        }
        if (facts.hasNonNull("owner")) {
            g.owner = facts.get("owner").asText();
        }
        if (facts.hasNonNull("notice")) {
            g.notice = facts.get("notice").asText();
        }
        if (g.createTime == 0) {
            g.createTime = now();
        }
        return groupReply(g, false);
    }

    /** What WeCom will record for a member when the add_member callback arrives (state, join_scene, invitor). */
    public synchronized void putPendingJoin(String chatId, String userId, JsonNode facts) {
        pendingJoins.put(chatId + "/" + userId, facts.deepCopy());
    }

    /** Mass messages and what became of them (for reports). */
    public synchronized ArrayNode massMessages() {
        ArrayNode out = JSON.createArrayNode();
        for (MassMessage m : messages.values()) {
            ObjectNode o = out.addObject();
            o.put("msgid", m.msgid);
            o.put("chat_type", m.request.path("chat_type").asText("single"));
            o.put("create_time", m.createTime);
            o.set("request", m.request);
            o.set("task_list", tasks(m));
            ArrayNode results = o.putArray("send_list");
            m.results.forEach(r -> results.add(result(r)));
        }
        return out;
    }

    /** Whether a member's mass messages are confirmed as they are created, or wait for {@link #confirm}. */
    public synchronized void confirmAutomatically(String userId, boolean automatically) {
        if (automatically) {
            confirmingByHand.remove(userId);
        } else {
            confirmingByHand.add(userId);
        }
    }

    /**
     * The customer (or group) received a mass message today outside Siyu: a member's own 个人群发
     * from the WeCom client counts toward the one-a-day limit too (wecom-api.md §9), so a later
     * mass message today is skipped with send status 3.
     */
    public synchronized void receivedMassMessageToday(String target) {
        massMessageDays.computeIfAbsent(target, t -> new HashSet<>()).add(LocalDate.ofInstant(clock.instant(), CORP_ZONE));
    }

    /** A member confirms sending in the WeCom client (when mass messages are not confirmed automatically). */
    public synchronized ObjectNode confirm(String msgid, String userId) {
        MassMessage m = messages.get(msgid);
        if (m == null || !m.tasks.containsKey(userId)) {
            throw new IllegalArgumentException("no task of " + userId + " in mass message " + msgid);
        }
        send(m, userId);
        return ok();
    }

    // ------------------------------------------------------------------ §4 「联系我」

    synchronized ObjectNode addContactWay(JsonNode r) {
        int type = required(r, "type").asInt();
        int scene = required(r, "scene").asInt();
        if (type != 1 && type != 2) {
            throw new WeComError(40058, "invalid type");
        }
        if (scene != 1 && scene != 2) {
            throw new WeComError(40058, "invalid scene");
        }
        checkState(r);
        List<String> users = strings(r.path("user"));
        if (type == 1 && users.size() != 1) {
            throw new WeComError(40058, "single contact way needs exactly one user");
        }
        if (users.size() > 100) {
            throw new WeComError(41041, "more than 100 users");
        }
        String configId = newId("");
        ObjectNode way = JSON.createObjectNode();
        way.put("config_id", configId);
        way.put("type", type);
        way.put("scene", scene);
        way.put("style", r.path("style").asInt(1));
        way.put("remark", r.path("remark").asText(""));
        way.put("skip_verify", r.path("skip_verify").asBoolean(true));
        way.put("state", r.path("state").asText(""));
        way.set("user", JSON.valueToTree(users));
        way.set("party", r.has("party") ? r.get("party") : JSON.createArrayNode());
        way.put("is_temp", r.path("is_temp").asBoolean(false));
        way.put("expires_in", r.path("expires_in").asInt(0));
        way.put("chat_expires_in", r.path("chat_expires_in").asInt(0));
        way.put("unionid", r.path("unionid").asText(""));
        if (scene == 2) {
            way.put("qr_code", imageBase + "/wwpic/" + configId + "/0");
        }
        contactWays.put(configId, way);
        ObjectNode reply = ok().put("config_id", configId);
        if (scene == 2) {
            reply.put("qr_code", way.get("qr_code").asText());
        }
        return reply;
    }

    synchronized ObjectNode getContactWay(JsonNode r) {
        ObjectNode way = contactWays.get(required(r, "config_id").asText());
        if (way == null) {
            throw new WeComError(40058, "invalid config_id");
        }
        ObjectNode reply = ok();
        reply.set("contact_way", way.deepCopy());
        return reply;
    }

    synchronized ObjectNode updateContactWay(JsonNode r) {
        ObjectNode way = contactWays.get(required(r, "config_id").asText());
        if (way == null) {
            throw new WeComError(40058, "invalid config_id");
        }
        checkState(r);
        for (String field : List.of("remark", "skip_verify", "style", "state", "user", "party", "expires_in", "chat_expires_in",
                "unionid", "conclusions")) {
            if (r.has(field)) {
                way.set(field, r.get(field));
            }
        }
        return ok();
    }

    synchronized ObjectNode deleteContactWay(JsonNode r) {
        if (contactWays.remove(required(r, "config_id").asText()) == null) {
            throw new WeComError(40058, "invalid config_id");
        }
        return ok();
    }

    synchronized ObjectNode listContactWays(JsonNode r) {
        ObjectNode reply = ok();
        ArrayNode list = reply.putArray("contact_way");
        contactWays.keySet().forEach(id -> list.addObject().put("config_id", id));
        reply.put("next_cursor", "");
        return reply;
    }

    private static void checkState(JsonNode r) {
        if (r.path("state").asText("").length() > 30) {
            throw new WeComError(40058, "state longer than 30 characters");
        }
    }

    // ------------------------------------------------------------------ §5 customers

    /** externalcontact/get as the stub would answer it (for the control API). */
    public synchronized ObjectNode getCustomerView(String externalUserId) {
        Customer c = customers.get(externalUserId);
        if (c == null) {
            throw new IllegalArgumentException("WeCom knows no customer " + externalUserId);
        }
        return customerReply(c, null);
    }

    synchronized ObjectNode getCustomer(String externalUserId) {
        Customer c = externalUserId == null ? null : customers.get(externalUserId);
        if (c == null || c.follows.isEmpty()) {
            throw new WeComError(40096, "invalid external userid");
        }
        return customerReply(c, null);
    }

    private ObjectNode customerReply(Customer c, String onlyUser) {
        ObjectNode reply = ok();
        reply.set("external_contact", profile(c));
        ArrayNode follows = reply.putArray("follow_user");
        for (Follow f : c.follows.values()) {
            if (onlyUser == null || onlyUser.equals(f.userId)) {
                follows.add(follow(f, false));
            }
        }
        return reply;
    }

    private static ObjectNode profile(Customer c) {
        ObjectNode p = JSON.createObjectNode();
        p.put("external_userid", c.externalUserId);
        p.put("name", c.name);
        p.put("avatar", "https://wework.qpic.cn/wwhead/" + hash(c.externalUserId).substring(0, 16) + "/0");
        p.put("type", c.type);
        p.put("gender", c.gender);
        if (c.unionId != null) {
            p.put("unionid", c.unionId);
        }
        return p;
    }

    private ObjectNode follow(Follow f, boolean tagIdsOnly) {
        ObjectNode o = JSON.createObjectNode();
        o.put("userid", f.userId);
        o.put("remark", "");
        o.put("description", "");
        o.put("createtime", f.createTime);
        if (tagIdsOnly) {
            o.set("tag_id", JSON.valueToTree(f.tagIds));
        } else {
            ArrayNode tags = o.putArray("tags");
            for (String tagId : f.tagIds) {
                ObjectNode tag = tags.addObject();
                ObjectNode group = groupOfTag(tagId);
                tag.put("group_name", group == null ? "" : group.path("group_name").asText());
                tag.put("tag_name", group == null ? "" : tagName(group, tagId));
                tag.put("tag_id", tagId);
                tag.put("type", 1);
            }
        }
        o.putArray("remark_mobiles");
        o.put("add_way", f.addWay);
        o.put("oper_userid", f.userId);
        if (f.state != null) {
            o.put("state", f.state);
        }
        return o;
    }

    synchronized ObjectNode batchGetByUser(JsonNode r) {
        List<String> users = strings(r.path("userid_list"));
        if (users.isEmpty() || users.size() > 100) {
            throw new WeComError(40058, "userid_list needs 1 to 100 members");
        }
        int limit = Math.min(100, r.path("limit").asInt(50));
        int start = r.path("cursor").asText("").isEmpty() ? 0 : Integer.parseInt(r.path("cursor").asText());
        List<ObjectNode> rows = new ArrayList<>();
        for (Customer c : customers.values()) {
            for (Follow f : c.follows.values()) {
                if (users.contains(f.userId)) {
                    ObjectNode row = JSON.createObjectNode();
                    row.set("external_contact", profile(c));
                    row.set("follow_info", follow(f, true));
                    rows.add(row);
                }
            }
        }
        ObjectNode reply = ok();
        ArrayNode list = reply.putArray("external_contact_list");
        rows.subList(Math.min(start, rows.size()), Math.min(start + limit, rows.size())).forEach(list::add);
        reply.put("next_cursor", start + limit < rows.size() ? Integer.toString(start + limit) : "");
        return reply;
    }

    synchronized ObjectNode listCustomersOf(String userId) {
        ObjectNode reply = ok();
        ArrayNode ids = reply.putArray("external_userid");
        customers.values().stream().filter(c -> c.follows.containsKey(userId)).forEach(c -> ids.add(c.externalUserId));
        return reply;
    }

    // ------------------------------------------------------------------ §6 welcome message

    synchronized ObjectNode sendWelcomeMessage(JsonNode r) {
        String code = required(r, "welcome_code").asText();
        if (!r.has("text") && strings(r.path("attachments")).isEmpty() && r.path("attachments").isEmpty()) {
            throw new WeComError(40058, "text and attachments are both empty");
        }
        if (r.path("attachments").size() > 9) {
            throw new WeComError(41064, "more than 9 attachments");
        }
        WelcomeCode w = welcomeCodes.get(code);
        if (w == null || Duration.between(w.receivedAt(), clock.instant()).compareTo(WELCOME_CODE_VALIDITY) > 0) {
            throw new WeComError(41050, "welcome code invalid or expired");
        }
        if (!usedWelcomeCodes.add(code)) {
            throw new WeComError(41051, "welcome code already used");
        }
        return ok();
    }

    // ------------------------------------------------------------------ §7 corp tags

    synchronized ObjectNode corpTags(JsonNode r) {
        List<String> tagIds = strings(r.path("tag_id"));
        List<String> groupIds = strings(r.path("group_id"));
        ObjectNode reply = ok();
        ArrayNode out = reply.putArray("tag_group");
        for (ObjectNode g : tagGroups.values()) {
            if (!groupIds.isEmpty()) {
                if (groupIds.contains(g.get("group_id").asText())) {
                    out.add(g.deepCopy());
                }
            } else if (!tagIds.isEmpty()) {
                ObjectNode copy = g.deepCopy();
                ArrayNode tags = copy.putArray("tag");
                g.path("tag").forEach(t -> {
                    if (tagIds.contains(t.get("id").asText())) {
                        tags.add(t);
                    }
                });
                if (!tags.isEmpty()) {
                    out.add(copy);
                }
            } else {
                out.add(g.deepCopy());
            }
        }
        return reply;
    }

    synchronized ObjectNode addCorpTags(JsonNode r) {
        List<JsonNode> tags = new ArrayList<>();
        r.path("tag").forEach(tags::add);
        if (tags.isEmpty()) {
            throw new WeComError(40058, "no tag to add");
        }
        ObjectNode group = null;
        if (r.hasNonNull("group_id")) {
            group = tagGroups.get(r.get("group_id").asText());
            if (group == null) {
                throw new WeComError(40068, "invalid group_id");
            }
        } else {
            String name = required(r, "group_name").asText();
            if (name.length() > 30) {
                throw new WeComError(40072, "group name too long");
            }
            for (ObjectNode g : tagGroups.values()) {
                if (g.get("group_name").asText().equals(name)) {
                    group = g;
                }
            }
            if (group == null) {
                group = JSON.createObjectNode();
                group.put("group_id", newId("et"));
                group.put("group_name", name);
                group.put("create_time", now());
                group.put("order", r.path("order").asLong(0));
                group.putArray("tag");
                tagGroups.put(group.get("group_id").asText(), group);
            }
        }
        ObjectNode created = group.deepCopy();
        ArrayNode createdTags = created.putArray("tag");
        for (JsonNode t : tags) {
            String name = t.path("name").asText("");
            if (name.isEmpty() || name.length() > 30) {
                throw new WeComError(40072, "tag name length");
            }
            ObjectNode existing = null;
            for (JsonNode e : group.path("tag")) {
                if (e.get("name").asText().equals(name)) {
                    existing = (ObjectNode) e;
                }
            }
            if (existing == null) {
                existing = ((ArrayNode) group.get("tag")).addObject();
                existing.put("id", newId("et"));
                existing.put("name", name);
                existing.put("create_time", now());
                existing.put("order", t.path("order").asLong(0));
            }
            createdTags.add(existing.deepCopy());
        }
        ObjectNode reply = ok();
        reply.set("tag_group", created);
        return reply;
    }

    synchronized ObjectNode editCorpTag(JsonNode r) {
        String id = required(r, "id").asText();
        ObjectNode group = tagGroups.get(id);
        if (group != null) {
            if (r.has("name")) {
                group.put("group_name", r.get("name").asText());
            }
            return ok();
        }
        group = groupOfTag(id);
        if (group == null) {
            throw new WeComError(40068, "invalid tag id");
        }
        for (JsonNode t : group.path("tag")) {
            if (t.get("id").asText().equals(id) && r.has("name")) {
                ((ObjectNode) t).put("name", r.get("name").asText());
            }
        }
        return ok();
    }

    synchronized ObjectNode deleteCorpTags(JsonNode r) {
        List<String> tagIds = strings(r.path("tag_id"));
        List<String> groupIds = strings(r.path("group_id"));
        if (tagIds.isEmpty() && groupIds.isEmpty()) {
            throw new WeComError(40058, "tag_id and group_id are both empty");
        }
        groupIds.forEach(tagGroups::remove);
        for (ObjectNode g : List.copyOf(tagGroups.values())) {
            ArrayNode tags = (ArrayNode) g.get("tag");
            for (int i = tags.size() - 1; i >= 0; i--) {
                if (tagIds.contains(tags.get(i).get("id").asText())) {
                    tags.remove(i);
                }
            }
            if (tags.isEmpty()) {
                tagGroups.remove(g.get("group_id").asText()); // removing all tags of a group removes the group
            }
        }
        return ok();
    }

    synchronized ObjectNode markTag(JsonNode r) {
        String userId = required(r, "userid").asText();
        String externalUserId = required(r, "external_userid").asText();
        List<String> add = strings(r.path("add_tag"));
        List<String> remove = strings(r.path("remove_tag"));
        if (add.isEmpty() && remove.isEmpty()) {
            throw new WeComError(40058, "add_tag and remove_tag are both empty");
        }
        Customer c = customers.get(externalUserId);
        Follow f = c == null ? null : c.follows.get(userId);
        if (f == null) {
            throw new WeComError(84061, "not external contact");
        }
        for (String tagId : add) {
            if (groupOfTag(tagId) == null) {
                throw new WeComError(40068, "invalid tagid");
            }
        }
        f.tagIds.addAll(add);
        remove.forEach(f.tagIds::remove);
        return ok();
    }

    private ObjectNode groupOfTag(String tagId) {
        for (ObjectNode g : tagGroups.values()) {
            for (JsonNode t : g.path("tag")) {
                if (t.get("id").asText().equals(tagId)) {
                    return g;
                }
            }
        }
        return null;
    }

    private static String tagName(ObjectNode group, String tagId) {
        for (JsonNode t : group.path("tag")) {
            if (t.get("id").asText().equals(tagId)) {
                return t.get("name").asText();
            }
        }
        return "";
    }

    // ------------------------------------------------------------------ §8 customer groups, 「加入群聊」

    synchronized ObjectNode listGroups(JsonNode r) {
        int limit = r.path("limit").asInt(0);
        if (limit < 1 || limit > 1000) {
            throw new WeComError(40058, "limit must be 1..1000");
        }
        List<String> owners = strings(r.path("owner_filter").path("userid_list"));
        List<Group> matching = groups.values().stream().filter(g -> owners.isEmpty() || owners.contains(g.owner)).toList();
        int start = r.path("cursor").asText("").isEmpty() ? 0 : Integer.parseInt(r.path("cursor").asText());
        ObjectNode reply = ok();
        ArrayNode list = reply.putArray("group_chat_list");
        matching.subList(Math.min(start, matching.size()), Math.min(start + limit, matching.size()))
                .forEach(g -> list.addObject().put("chat_id", g.chatId).put("status", 0));
        reply.put("next_cursor", start + limit < matching.size() ? Integer.toString(start + limit) : "");
        return reply;
    }

    synchronized ObjectNode getGroup(JsonNode r) {
        Group g = groups.get(required(r, "chat_id").asText());
        if (g == null) {
            throw new WeComError(40058, "chatid not found");
        }
        return groupReply(g, r.path("need_name").asInt(0) == 1);
    }

    private ObjectNode groupReply(Group g, boolean needName) {
        ObjectNode reply = ok();
        ObjectNode chat = reply.putObject("group_chat");
        chat.put("chat_id", g.chatId);
        chat.put("name", g.name);
        chat.put("owner", g.owner);
        chat.put("create_time", g.createTime);
        chat.put("notice", g.notice);
        ArrayNode members = chat.putArray("member_list");
        for (Member m : g.members.values()) {
            ObjectNode o = members.addObject();
            o.put("userid", m.userId);
            o.put("type", m.type);
            Customer c = customers.get(m.userId);
            if (m.type == 2 && c != null && c.unionId != null) {
                o.put("unionid", c.unionId);
            }
            o.put("join_time", m.joinTime);
            o.put("join_scene", m.joinScene);
            if (m.invitor != null) {
                o.putObject("invitor").put("userid", m.invitor);
            }
            o.put("group_nickname", m.groupNickname);
            if (needName) {
                o.put("name", c != null ? c.name : m.userId);
            }
            if (m.state != null) {
                o.put("state", m.state);
            }
        }
        ArrayNode admins = chat.putArray("admin_list");
        if (!g.owner.isEmpty()) {
            admins.addObject().put("userid", g.owner);
        }
        chat.put("member_version", g.memberVersion != null ? g.memberVersion : memberVersion(g));
        return reply;
    }

    synchronized ObjectNode addJoinWay(JsonNode r) {
        int scene = required(r, "scene").asInt();
        if (scene != 1 && scene != 2) {
            throw new WeComError(40058, "invalid scene");
        }
        List<String> chats = strings(r.path("chat_id_list"));
        if (chats.isEmpty()) {
            throw new WeComError(40058, "chat_id_list is required");
        }
        if (chats.size() > 5) {
            throw new WeComError(41091, "more than 5 chats");
        }
        checkState(r);
        String configId = newId("");
        ObjectNode way = JSON.createObjectNode();
        way.put("config_id", configId);
        way.put("scene", scene);
        way.put("remark", truncate(r.path("remark").asText(""), 30));
        way.put("auto_create_room", r.path("auto_create_room").asInt(1));
        way.put("room_base_name", r.path("room_base_name").asText(""));
        way.put("room_base_id", r.path("room_base_id").asInt(0));
        way.set("chat_id_list", JSON.valueToTree(chats));
        way.put("qr_code", imageBase + "/wwpic/join/" + configId + "/0");
        way.put("state", r.path("state").asText(""));
        joinWays.put(configId, way);
        return ok().put("config_id", configId);
    }

    synchronized ObjectNode getJoinWay(JsonNode r) {
        ObjectNode way = joinWays.get(required(r, "config_id").asText());
        if (way == null) {
            throw new WeComError(40058, "invalid config_id");
        }
        ObjectNode reply = ok();
        reply.set("join_way", way.deepCopy());
        return reply;
    }

    synchronized ObjectNode updateJoinWay(JsonNode r) {
        String configId = required(r, "config_id").asText();
        if (!joinWays.containsKey(configId)) {
            throw new WeComError(40058, "invalid config_id");
        }
        joinWays.remove(configId);
        ObjectNode reply = addJoinWay(r); // a full overwrite, as documented
        ObjectNode way = joinWays.remove(reply.get("config_id").asText());
        way.put("config_id", configId);
        way.put("qr_code", imageBase + "/wwpic/join/" + configId + "/0");
        joinWays.put(configId, way);
        return ok();
    }

    synchronized ObjectNode deleteJoinWay(JsonNode r) {
        if (joinWays.remove(required(r, "config_id").asText()) == null) {
            throw new WeComError(40058, "invalid config_id");
        }
        return ok();
    }

    // ------------------------------------------------------------------ §9 mass messages

    synchronized ObjectNode addMessageTemplate(JsonNode r) {
        String chatType = r.path("chat_type").asText("single");
        String sender = r.path("sender").asText(null);
        if (!r.hasNonNull("text") && r.path("attachments").isEmpty()) {
            throw new WeComError(40058, "text and attachments are both empty");
        }
        if (r.path("attachments").size() > 9) {
            throw new WeComError(41064, "more than 9 attachments");
        }
        MassMessage m = new MassMessage("msg" + newId("").substring(0, 26), r.deepCopy(), now());
        ObjectNode reply = ok();
        ArrayNode failList = reply.putArray("fail_list");
        if (chatType.equals("group")) {
            if (sender == null) {
                throw new WeComError(40058, "sender is required for group messages");
            }
            List<String> chats = strings(r.path("chat_id_list"));
            if (chats.size() > 2000) {
                throw new WeComError(40058, "more than 2000 chats");
            }
            List<String> owned = groups.values().stream().filter(g -> g.owner.equals(sender))
                    .filter(g -> chats.isEmpty() || chats.contains(g.chatId)).map(g -> g.chatId).toList();
            m.recipientsBySender.put(sender, new ArrayList<>(owned));
        } else {
            List<String> targets = strings(r.path("external_userid"));
            if (targets.size() > 10_000) {
                throw new WeComError(40058, "more than 10000 external_userid");
            }
            if (targets.isEmpty() && sender == null) {
                throw new WeComError(40058, "external_userid and sender are both empty");
            }
            if (targets.isEmpty()) {
                customers.values().stream().filter(c -> c.follows.containsKey(sender))
                        .forEach(c -> m.recipientsBySender.computeIfAbsent(sender, s -> new ArrayList<>()).add(c.externalUserId));
            }
            for (String target : targets) {
                Customer c = customers.get(target);
                String owner = null;
                if (c != null) {
                    owner = sender != null ? (c.follows.containsKey(sender) ? sender : null)
                            : c.follows.keySet().stream().findFirst().orElse(null);
                }
                if (owner == null) {
                    failList.add(target);
                } else {
                    m.recipientsBySender.computeIfAbsent(owner, s -> new ArrayList<>()).add(target);
                }
            }
        }
        if (m.recipientsBySender.isEmpty()) {
            throw new WeComError(41048, "no sendable customer");
        }
        m.recipientsBySender.keySet().forEach(userId -> m.tasks.put(userId, new Task()));
        messages.put(m.msgid, m);
        if (autoConfirmMassMessages) {
            List.copyOf(m.tasks.keySet()).stream().filter(userId -> !confirmingByHand.contains(userId)).forEach(userId -> send(m, userId));
        }
        reply.put("msgid", m.msgid);
        return reply;
    }

    /** A member confirmed: each recipient gets it, unless it already got a mass message today (status 3). */
    private void send(MassMessage m, String userId) {
        Task task = m.tasks.get(userId);
        if (task.status != 0 || m.cancelled) {
            return;
        }
        long at = now();
        task.status = 2;
        task.sendTime = at;
        boolean chat = m.request.path("chat_type").asText("single").equals("group");
        LocalDate today = LocalDate.ofInstant(clock.instant(), CORP_ZONE);
        for (String target : m.recipientsBySender.getOrDefault(userId, List.of())) {
            boolean first = massMessageDays.computeIfAbsent(target, t -> new HashSet<>()).add(today);
            if (chat && !first) {
                continue; // group sends list only what was sent
            }
            m.results.add(new SendResult(target, chat, userId, first ? 1 : 3, first ? at : 0));
        }
    }

    synchronized ObjectNode groupMessageTasks(JsonNode r) {
        MassMessage m = message(r);
        ObjectNode reply = ok();
        reply.set("task_list", tasks(m));
        reply.put("next_cursor", "");
        return reply;
    }

    private static ArrayNode tasks(MassMessage m) {
        ArrayNode list = JSON.createArrayNode();
        m.tasks.forEach((userId, t) -> list.addObject().put("userid", userId).put("status", t.status).put("send_time", t.sendTime));
        return list;
    }

    synchronized ObjectNode groupMessageSendResults(JsonNode r) {
        MassMessage m = message(r);
        String userId = required(r, "userid").asText();
        ObjectNode reply = ok();
        ArrayNode list = reply.putArray("send_list");
        boolean confirmed = m.tasks.containsKey(userId) && m.tasks.get(userId).status != 0;
        if (confirmed) {
            m.results.stream().filter(x -> x.userId().equals(userId)).forEach(x -> list.add(result(x)));
        } else if (!m.request.path("chat_type").asText("single").equals("group")) {
            for (String target : m.recipientsBySender.getOrDefault(userId, List.of())) {
                list.add(result(new SendResult(target, false, userId, 0, 0)));
            }
        }
        reply.put("next_cursor", "");
        return reply;
    }

    private static ObjectNode result(SendResult x) {
        ObjectNode o = JSON.createObjectNode();
        o.put(x.chat() ? "chat_id" : "external_userid", x.target());
        o.put("userid", x.userId());
        o.put("status", x.status());
        o.put("send_time", x.sendTime());
        return o;
    }

    synchronized ObjectNode cancelGroupMessage(JsonNode r) {
        message(r).cancelled = true;
        return ok();
    }

    synchronized ObjectNode remindGroupMessage(JsonNode r) {
        message(r);
        return ok();
    }

    private MassMessage message(JsonNode r) {
        MassMessage m = messages.get(required(r, "msgid").asText());
        if (m == null) {
            throw new WeComError(40058, "invalid msgid");
        }
        return m;
    }

    // ------------------------------------------------------------------ helpers

    private static JsonNode required(JsonNode r, String field) {
        JsonNode v = r.get(field);
        if (v == null || v.isNull() || v.asText().isEmpty()) {
            throw new WeComError(40058, "missing " + field);
        }
        return v;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private static long parseLong(String s, long fallback) {
        try {
            return s == null ? fallback : Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static int parseInt(String s, int fallback) {
        return (int) parseLong(s, fallback);
    }

    static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
