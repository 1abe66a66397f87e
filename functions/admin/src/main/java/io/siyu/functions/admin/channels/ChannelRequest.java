package io.siyu.functions.admin.channels;

import java.util.List;

/** The body of a channel create or update, as operators send it (docs/openapi.yaml ChannelRequest). */
public record ChannelRequest(String name, String code, List<String> staffUserIds, Boolean skipVerify, List<String> tagIds,
                             Welcome welcome, String groupChatId) {

    public record Welcome(String text, Attachment attachment) {}

    public record Attachment(String type, String mediaId, String title, String url, String picUrl, String description,
                             String appId, String page) {}
}
