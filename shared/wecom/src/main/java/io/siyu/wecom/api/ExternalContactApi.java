package io.siyu.wecom.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed calls to WeCom's customer-contact API ({@code /cgi-bin/externalcontact/...}), field for
 * field as documented (wecom-api.md §4–§8). Requests are built as JSON objects with WeCom's exact
 * names; replies are read into small records.
 */
public final class ExternalContactApi {

    private static final String BASE = "/cgi-bin/externalcontact/";

    private final WeComClient client;

    public ExternalContactApi(WeComClient client) {
        this.client = client;
    }

    public WeComClient client() {
        return client;
    }

    // ------------------------------------------------------------------ 「联系我」 contact ways (§4)

    /** A 「联系我」 QR code configuration (scene 2). {@code state} is at most 30 characters. */
    public record ContactWayRequest(boolean multiStaff, List<String> userIds, boolean skipVerify, String state, String remark) {}

    public record ContactWay(String configId, String qrCode) {}

    public ContactWay addContactWay(ContactWayRequest request) {
        ObjectNode body = contactWayBody(request);
        body.put("type", request.multiStaff() ? 2 : 1);
        body.put("scene", 2);
        JsonNode reply = client.post(BASE + "add_contact_way", body);
        return new ContactWay(reply.path("config_id").asText(), reply.path("qr_code").asText(null));
    }

    /** user, party and remark are overwritten as a whole (WeCom's rule), so pass the full staff list. */
    public void updateContactWay(String configId, ContactWayRequest request) {
        ObjectNode body = contactWayBody(request);
        body.put("config_id", configId);
        client.post(BASE + "update_contact_way", body);
    }

    public void deleteContactWay(String configId) {
        client.post(BASE + "del_contact_way", Map.of("config_id", configId));
    }

    private static ObjectNode contactWayBody(ContactWayRequest request) {
        ObjectNode body = WeComClient.json().createObjectNode();
        body.put("skip_verify", request.skipVerify());
        if (request.state() != null) {
            body.put("state", request.state());
        }
        if (request.remark() != null) {
            body.put("remark", request.remark());
        }
        ArrayNode users = body.putArray("user");
        request.userIds().forEach(users::add);
        return body;
    }

    // ------------------------------------------------------------------ customer detail (§5)

    /** One staff member's side of a customer relationship, as {@code follow_user[]} reports it. */
    public record FollowUser(String userId, String state, long createTime, List<String> tagIds, int addWay) {}

    /** A customer's profile. {@code unionId} only for WeChat users when the corp bound a developer ID. */
    public record ExternalContact(String externalUserId, String name, int type, String unionId, List<FollowUser> followUsers) {}

    /** {@code GET externalcontact/get}, following {@code next_cursor} until every follower is read. */
    public ExternalContact getExternalContact(String externalUserId) {
        List<FollowUser> follows = new ArrayList<>();
        String cursor = "";
        JsonNode contact = null;
        do {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("external_userid", externalUserId);
            if (!cursor.isEmpty()) {
                query.put("cursor", cursor);
            }
            JsonNode reply = client.get(BASE + "get", query);
            if (contact == null) {
                contact = reply.path("external_contact"); // the profile is complete on the first page
            }
            for (JsonNode f : reply.path("follow_user")) {
                List<String> tags = new ArrayList<>();
                for (JsonNode t : f.path("tags")) {
                    if (t.hasNonNull("tag_id")) {
                        tags.add(t.path("tag_id").asText());
                    }
                }
                follows.add(new FollowUser(f.path("userid").asText(), textOrNull(f, "state"), f.path("createtime").asLong(),
                        tags, f.path("add_way").asInt(0)));
            }
            cursor = reply.path("next_cursor").asText("");
        } while (!cursor.isEmpty());
        return new ExternalContact(contact.path("external_userid").asText(externalUserId), textOrNull(contact, "name"),
                contact.path("type").asInt(0), textOrNull(contact, "unionid"), follows);
    }

    // ------------------------------------------------------------------ corp tags (§7)

    /** {@code mark_tag}: add and remove corp tags on one staff member's customer. */
    public void markTag(String userId, String externalUserId, List<String> addTagIds, List<String> removeTagIds) {
        if (addTagIds.isEmpty() && removeTagIds.isEmpty()) {
            return; // WeCom refuses an empty call; there is nothing to do
        }
        ObjectNode body = WeComClient.json().createObjectNode();
        body.put("userid", userId);
        body.put("external_userid", externalUserId);
        addTagIds.forEach(body.putArray("add_tag")::add);
        removeTagIds.forEach(body.putArray("remove_tag")::add);
        client.post(BASE + "mark_tag", body);
    }

    public record CorpTag(String id, String name) {}

    public record CorpTagGroup(String groupId, String groupName, List<CorpTag> tags) {}

    /** {@code get_corp_tag_list} with no filter: every group and tag of the corp. */
    public List<CorpTagGroup> corpTags() {
        JsonNode reply = client.post(BASE + "get_corp_tag_list", Map.of());
        List<CorpTagGroup> groups = new ArrayList<>();
        for (JsonNode g : reply.path("tag_group")) {
            groups.add(readGroup(g));
        }
        return groups;
    }

    /**
     * {@code add_corp_tag}: creates the tags in the named group (creating the group when new).
     * WeCom creates duplicate names once, so the call is safe to repeat.
     */
    public CorpTagGroup addCorpTags(String groupName, List<String> tagNames) {
        ObjectNode body = WeComClient.json().createObjectNode();
        body.put("group_name", groupName);
        ArrayNode tags = body.putArray("tag");
        tagNames.forEach(n -> tags.addObject().put("name", n));
        return readGroup(client.post(BASE + "add_corp_tag", body).path("tag_group"));
    }

    private static CorpTagGroup readGroup(JsonNode g) {
        List<CorpTag> tags = new ArrayList<>();
        for (JsonNode t : g.path("tag")) {
            tags.add(new CorpTag(t.path("id").asText(), t.path("name").asText()));
        }
        return new CorpTagGroup(g.path("group_id").asText(), g.path("group_name").asText(), tags);
    }

    // ------------------------------------------------------------------ welcome message (§6)

    /** An attachment of a welcome or mass message, exactly as WeCom's {@code attachments[]} element. */
    public record Attachment(String msgtype, Map<String, Object> content) {
        public static Attachment image(String mediaId) {
            return new Attachment("image", Map.of("media_id", mediaId));
        }

        public static Attachment link(String title, String url, String picUrl, String desc) {
            Map<String, Object> link = new LinkedHashMap<>();
            link.put("title", title);
            link.put("url", url);
            if (picUrl != null) {
                link.put("picurl", picUrl);
            }
            if (desc != null) {
                link.put("desc", desc);
            }
            return new Attachment("link", link);
        }

        public static Attachment miniprogram(String title, String picMediaId, String appId, String page) {
            return new Attachment("miniprogram", Map.of("title", title, "pic_media_id", picMediaId, "appid", appId, "page", page));
        }
    }

    /** {@code send_welcome_msg}; the code is valid 20 s after the event and usable once (41050, 41051). */
    public void sendWelcomeMessage(String welcomeCode, String text, List<Attachment> attachments) {
        ObjectNode body = WeComClient.json().createObjectNode();
        body.put("welcome_code", welcomeCode);
        if (text != null && !text.isEmpty()) {
            body.putObject("text").put("content", text);
        }
        putAttachments(body, attachments);
        client.post(BASE + "send_welcome_msg", body);
    }

    /** Writes {@code attachments[]} in WeCom's shape: {@code {"msgtype": t, t: {...}}}. */
    public static void putAttachments(ObjectNode body, List<Attachment> attachments) {
        if (attachments == null || attachments.isEmpty()) {
            return;
        }
        ArrayNode array = body.putArray("attachments");
        for (Attachment a : attachments) {
            ObjectNode node = array.addObject();
            node.put("msgtype", a.msgtype());
            node.set(a.msgtype(), WeComClient.json().valueToTree(a.content()));
        }
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }
}
