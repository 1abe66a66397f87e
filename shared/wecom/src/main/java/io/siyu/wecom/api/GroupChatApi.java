package io.siyu.wecom.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed calls to WeCom's customer-group API ({@code /cgi-bin/externalcontact/groupchat/...}),
 * field for field as documented (wecom-api.md §8): the group detail with each member's join
 * {@code state}, and the 「加入群聊」 join ways whose state a member carries.
 */
public final class GroupChatApi {

    private static final String BASE = "/cgi-bin/externalcontact/groupchat/";

    private final WeComClient client;

    public GroupChatApi(WeComClient client) {
        this.client = client;
    }

    /**
     * One member of a customer group ({@code member_list[]}).
     *
     * @param type 1 corp member, 2 external contact
     * @param joinTime unix seconds
     * @param joinScene 1 direct invite, 2 invite link, 3 scanned the group QR code
     * @param state the join way's state, only when the member joined through a join way that has one
     */
    public record Member(String userId, int type, String unionId, long joinTime, int joinScene, String invitorUserId,
                         String groupNickname, String name, String state) {

        public boolean external() {
            return type == 2;
        }
    }

    /**
     * A customer group ({@code group_chat}). {@code memberVersion} is the member-list version: equal
     * to a change event's {@code CurMemVer} when this read reflects that change.
     */
    public record GroupChat(String chatId, String name, String owner, long createTime, String notice, List<Member> members,
                            List<String> adminUserIds, String memberVersion) {

        public Optional<Member> member(String userId) {
            return members.stream().filter(m -> m.userId().equals(userId)).findFirst();
        }
    }

    /** {@code groupchat/get}: the group and its members ({@code need_name} 1 adds each member's name). */
    public GroupChat get(String chatId, boolean needName) {
        ObjectNode body = WeComClient.json().createObjectNode();
        body.put("chat_id", chatId);
        body.put("need_name", needName ? 1 : 0);
        JsonNode g = client.post(BASE + "get", body).path("group_chat");
        List<Member> members = new ArrayList<>();
        for (JsonNode m : g.path("member_list")) {
            members.add(new Member(m.path("userid").asText(), m.path("type").asInt(0), text(m, "unionid"),
                    m.path("join_time").asLong(0), m.path("join_scene").asInt(0), text(m.path("invitor"), "userid"),
                    text(m, "group_nickname"), text(m, "name"), text(m, "state")));
        }
        List<String> admins = new ArrayList<>();
        for (JsonNode a : g.path("admin_list")) {
            admins.add(a.path("userid").asText());
        }
        return new GroupChat(g.path("chat_id").asText(chatId), text(g, "name"), text(g, "owner"), g.path("create_time").asLong(0),
                text(g, "notice"), members, admins, text(g, "member_version"));
    }

    /**
     * A 「加入群聊」 QR code (scene 2) for up to five groups. {@code state} is at most 30 characters;
     * {@code remark} is truncated by WeCom at 30. With {@code autoCreateRoom} WeCom opens a new group
     * named {@code roomBaseName} + {@code roomBaseId} (then +1 ...) when the last one is full.
     */
    public record JoinWayRequest(List<String> chatIds, String state, String remark, boolean autoCreateRoom,
                                 String roomBaseName, Integer roomBaseId) {}

    /**
     * {@code add_join_way} with scene 2 and no auto-created groups (a group WeCom would open by
     * itself is not one of the caller's): the config_id. Up to 5 chats (41091 beyond).
     */
    public String addJoinWay(List<String> chatIds, String state, String remark) {
        return addJoinWay(new JoinWayRequest(chatIds, state, remark, false, null, null));
    }

    /** {@code add_join_way}: the new configuration's config_id (the QR code comes from {@link #getJoinWay}). */
    public String addJoinWay(JoinWayRequest request) {
        ObjectNode body = WeComClient.json().createObjectNode();
        body.put("scene", 2);
        if (request.remark() != null) {
            body.put("remark", request.remark());
        }
        body.put("auto_create_room", request.autoCreateRoom() ? 1 : 0);
        if (request.roomBaseName() != null) {
            body.put("room_base_name", request.roomBaseName());
        }
        if (request.roomBaseId() != null) {
            body.put("room_base_id", request.roomBaseId());
        }
        ArrayNode chats = body.putArray("chat_id_list");
        request.chatIds().forEach(chats::add);
        if (request.state() != null) {
            body.put("state", request.state());
        }
        return client.post(BASE + "add_join_way", body).path("config_id").asText();
    }

    /** A join way as {@code get_join_way} reports it. */
    public record JoinWay(String configId, int scene, String remark, boolean autoCreateRoom, String roomBaseName,
                          Integer roomBaseId, List<String> chatIds, String qrCode, String state) {}

    public JoinWay getJoinWay(String configId) {
        JsonNode w = client.post(BASE + "get_join_way", Map.of("config_id", configId)).path("join_way");
        List<String> chats = new ArrayList<>();
        for (JsonNode c : w.path("chat_id_list")) {
            chats.add(c.asText());
        }
        return new JoinWay(w.path("config_id").asText(configId), w.path("scene").asInt(0), text(w, "remark"),
                w.path("auto_create_room").asInt(1) == 1, text(w, "room_base_name"),
                w.hasNonNull("room_base_id") ? w.path("room_base_id").asInt() : null, chats, text(w, "qr_code"),
                text(w, "state"));
    }

    public void deleteJoinWay(String configId) {
        client.post(BASE + "del_join_way", Map.of("config_id", configId));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }
}
