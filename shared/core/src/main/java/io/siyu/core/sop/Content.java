package io.siyu.core.sop;

import java.util.List;

/** What a step sends: text and up to nine attachments (WeCom shows them as separate messages). */
public record Content(String text, List<Attachment> attachments) {

    public Content {
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** One attachment, in the three shapes WeCom's mass messages take (wecom-api.md §6, §9). */
    public sealed interface Attachment {
        /**
         * An image by {@code mediaId} (a temporary upload: valid 3 days, wecom-api.md §6) or by
         * {@code picUrl} (from 上传图片: permanent, so the one to use in a schedule that runs for weeks).
         */
        record Image(String mediaId, String picUrl) implements Attachment {}

        record Link(String title, String url, String picUrl, String desc) implements Attachment {}

        /** {@code picMediaId} is a temporary upload too (valid 3 days). */
        record MiniProgram(String title, String picMediaId, String appId, String page) implements Attachment {}
    }
}
