package io.siyu.core.channels;

/**
 * A welcome message: text and at most one attachment (an image, a link or a mini-program), as the
 * channel form offers it. WeCom's limits (wecom-api.md §6) are checked where it is created.
 */
public record WelcomeMessage(String text, Attachment attachment) {

    /** One attachment; which fields apply depends on {@code type}. */
    public record Attachment(Type type, String mediaId, String title, String url, String picUrl, String description,
                             String appId, String page) {
        public enum Type { IMAGE, LINK, MINIPROGRAM }
    }
}
