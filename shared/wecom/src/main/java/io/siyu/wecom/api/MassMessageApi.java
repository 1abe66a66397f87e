package io.siyu.wecom.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.siyu.wecom.api.ExternalContactApi.Attachment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Mass messages (企业群发, wecom-api.md §9): {@code externalcontact/add_msg_template} creates a task;
 * nothing reaches a customer until the sender confirms it in the WeCom client. What happened to
 * a task is read with {@code get_groupmsg_task} (per sender) and {@code get_groupmsg_send_result}
 * (per recipient); {@code remind_groupmsg_send} and {@code cancel_groupmsg_send} act on it.
 */
public final class MassMessageApi {

    /** {@code external_userid} per call for {@code chat_type: single} (§9). */
    public static final int MAX_EXTERNAL_USER_IDS = 10_000;
    /** {@code chat_id_list} per call for {@code chat_type: group} (§9). */
    public static final int MAX_CHAT_IDS = 2_000;
    /** {@code attachments[]} per message (§6, §9). */
    public static final int MAX_ATTACHMENTS = 9;
    /** {@code text.content} in bytes (§9). */
    public static final int MAX_TEXT_BYTES = 4_000;

    /** Rows per page of get_groupmsg_task and get_groupmsg_send_result: the documented maximum (§9). */
    public static final int MAX_RESULT_PAGE = 1_000;
    /** The task is still being dispatched: its results are not readable yet, read later (§9, §10). */
    public static final int STILL_DISPATCHING = 41063;
    /** The task was cancelled (§10). */
    public static final int TASK_CANCELLED = 41093;
    /** More than 3 reminders for one task within 24 h (§9, §10): do not retry. */
    public static final int REMIND_OVER_LIMIT = 41094;

    private static final String ADD_MSG_TEMPLATE = "/cgi-bin/externalcontact/add_msg_template";
    private static final String GET_TASK = "/cgi-bin/externalcontact/get_groupmsg_task";
    private static final String GET_SEND_RESULT = "/cgi-bin/externalcontact/get_groupmsg_send_result";
    private static final String REMIND = "/cgi-bin/externalcontact/remind_groupmsg_send";
    private static final String CANCEL = "/cgi-bin/externalcontact/cancel_groupmsg_send";

    private final WeComClient client;

    public MassMessageApi(WeComClient client) {
        this.client = client;
    }

    public enum ChatType {
        /** To customers: {@code external_userid[]}. */
        SINGLE("single"),
        /** To customer groups: {@code chat_id_list[]}; {@code sender} is required. */
        GROUP("group");

        private final String wire;

        ChatType(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /**
     * One task for one sender. {@code recipients} are external_userids (single) or chat ids
     * (group); never empty, because WeCom reads an empty list with a sender as "all of that
     * member's customers".
     */
    public record MessageTemplate(ChatType chatType, String sender, List<String> recipients, String text,
                                  List<Attachment> attachments) {
        public MessageTemplate {
            recipients = List.copyOf(recipients);
            attachments = attachments == null ? List.of() : List.copyOf(attachments);
            if (sender == null || sender.isBlank()) {
                throw new IllegalArgumentException("sender is required");
            }
            int max = chatType == ChatType.SINGLE ? MAX_EXTERNAL_USER_IDS : MAX_CHAT_IDS;
            if (recipients.isEmpty() || recipients.size() > max) {
                throw new IllegalArgumentException("between 1 and " + max + " recipients per call, not " + recipients.size());
            }
            if (attachments.size() > MAX_ATTACHMENTS) {
                throw new IllegalArgumentException("at most " + MAX_ATTACHMENTS + " attachments");
            }
            boolean hasText = text != null && !text.isEmpty();
            if (hasText && text.getBytes(StandardCharsets.UTF_8).length > MAX_TEXT_BYTES) {
                throw new IllegalArgumentException("text is longer than " + MAX_TEXT_BYTES + " bytes");
            }
            if (!hasText && attachments.isEmpty()) {
                throw new IllegalArgumentException("text and attachments are both empty");
            }
        }
    }

    /**
     * @param msgId the task's id, for get_groupmsg_task / get_groupmsg_send_result
     * @param failList recipients WeCom refused (invalid, or not sendable)
     */
    public record MessageTemplateResult(String msgId, List<String> failList) {}

    /** {@code add_msg_template}: creates the task; WeCom errors surface as {@link WeComException}. */
    public MessageTemplateResult addMessageTemplate(MessageTemplate template) {
        ObjectNode body = WeComClient.json().createObjectNode();
        body.put("chat_type", template.chatType().wire());
        ArrayNode ids = body.putArray(template.chatType() == ChatType.SINGLE ? "external_userid" : "chat_id_list");
        template.recipients().forEach(ids::add);
        body.put("sender", template.sender());
        if (template.text() != null && !template.text().isEmpty()) {
            body.putObject("text").put("content", template.text());
        }
        ExternalContactApi.putAttachments(body, template.attachments());
        JsonNode reply = client.post(ADD_MSG_TEMPLATE, body);
        List<String> failed = new ArrayList<>();
        reply.path("fail_list").forEach(f -> failed.add(f.asText()));
        return new MessageTemplateResult(reply.path("msgid").asText(""), failed);
    }

    /**
     * One member's part of a task. WeCom documents status 0 unsent and 2 sent while its own sample
     * shows 1 (§9): anything but 0 counts as confirmed.
     */
    public record MemberTask(String userId, int status, long sendTime) {
        public boolean confirmed() {
            return status != 0;
        }
    }

    /** @param nextCursor empty when this was the last page */
    public record TaskPage(List<MemberTask> tasks, String nextCursor) {}

    /**
     * What one recipient got: status 0 unsent, 1 sent, 2 not a friend, 3 skipped (already received
     * a mass message that day). WeCom's sample row carries both external_userid and chat_id.
     */
    public record SendResult(String externalUserId, String chatId, String userId, int status, long sendTime) {
        public static final int UNSENT = 0;
        public static final int SENT = 1;
        public static final int NOT_A_FRIEND = 2;
        public static final int DAILY_LIMIT = 3;

        /** The recipient as the task named it: external_userid for customers, chat_id for groups. */
        public String recipient(ChatType chatType) {
            return chatType == ChatType.SINGLE ? externalUserId : chatId;
        }
    }

    /** @param nextCursor empty when this was the last page */
    public record SendResultPage(List<SendResult> results, String nextCursor) {}

    /** One page of {@code get_groupmsg_task}; {@code cursor} null or empty for the first. */
    public TaskPage groupMessageTasks(String msgId, String cursor) {
        ObjectNode body = pageRequest(msgId, cursor);
        JsonNode reply = client.post(GET_TASK, body);
        List<MemberTask> tasks = new ArrayList<>();
        reply.path("task_list").forEach(t -> tasks.add(new MemberTask(t.path("userid").asText(""), t.path("status").asInt(0),
                t.path("send_time").asLong(0))));
        return new TaskPage(tasks, reply.path("next_cursor").asText(""));
    }

    /** One page of {@code get_groupmsg_send_result} for one sender of the task. */
    public SendResultPage groupMessageSendResults(String msgId, String userId, String cursor) {
        ObjectNode body = pageRequest(msgId, cursor);
        body.put("userid", userId);
        JsonNode reply = client.post(GET_SEND_RESULT, body);
        List<SendResult> results = new ArrayList<>();
        reply.path("send_list").forEach(r -> results.add(new SendResult(r.path("external_userid").asText(""),
                r.path("chat_id").asText(""), r.path("userid").asText(""), r.path("status").asInt(0), r.path("send_time").asLong(0))));
        return new SendResultPage(results, reply.path("next_cursor").asText(""));
    }

    /** {@code remind_groupmsg_send}: notifies the members who have not sent again (3 times per task in 24 h). */
    public void remind(String msgId) {
        client.post(REMIND, WeComClient.json().createObjectNode().put("msgid", msgId));
    }

    /** {@code cancel_groupmsg_send}: stops the task for the members who have not sent it yet. */
    public void cancel(String msgId) {
        client.post(CANCEL, WeComClient.json().createObjectNode().put("msgid", msgId));
    }

    private static ObjectNode pageRequest(String msgId, String cursor) {
        ObjectNode body = WeComClient.json().createObjectNode();
        body.put("msgid", msgId);
        body.put("limit", MAX_RESULT_PAGE);
        if (cursor != null && !cursor.isEmpty()) {
            body.put("cursor", cursor);
        }
        return body;
    }
}
