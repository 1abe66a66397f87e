package io.siyu.wecom.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * Customer groups' 「加入群聊」 join ways ({@code /cgi-bin/externalcontact/groupchat/...},
 * wecom-api.md §8). A join way's QR code is only returned by get_join_way.
 */
public final class GroupChatApi {

    private static final String BASE = "/cgi-bin/externalcontact/groupchat/";

    private final WeComClient client;

    public GroupChatApi(WeComClient client) {
        this.client = client;
    }

    public record JoinWay(String configId, String qrCode, String state, List<String> chatIds) {}

    /**
     * {@code add_join_way} with scene 2 (QR code). Up to 5 chats (41091 beyond); {@code state} at
     * most 30 characters; the quota is shared with 「联系我」.
     */
    public String addJoinWay(List<String> chatIds, String state, String remark) {
        ObjectNode body = WeComClient.json().createObjectNode();
        body.put("scene", 2);
        if (remark != null) {
            body.put("remark", remark);
        }
        body.put("auto_create_room", 0);
        ArrayNode chats = body.putArray("chat_id_list");
        chatIds.forEach(chats::add);
        if (state != null) {
            body.put("state", state);
        }
        return client.post(BASE + "add_join_way", body).path("config_id").asText();
    }

    public JoinWay getJoinWay(String configId) {
        JsonNode way = client.post(BASE + "get_join_way", Map.of("config_id", configId)).path("join_way");
        List<String> chats = new java.util.ArrayList<>();
        way.path("chat_id_list").forEach(c -> chats.add(c.asText()));
        return new JoinWay(way.path("config_id").asText(configId), way.path("qr_code").asText(null),
                way.path("state").asText(null), chats);
    }

    public void deleteJoinWay(String configId) {
        client.post(BASE + "del_join_way", Map.of("config_id", configId));
    }
}
