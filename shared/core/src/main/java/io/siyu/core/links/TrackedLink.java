package io.siyu.core.links;

/**
 * One tracked link: its code, the URL it redirects to, and what it was sent as: the SOP step
 * and the sender whose WeCom call carried it (for group sends, that sender's groups). {@code runKey}
 * is the run that registered it first; the code stays the same for later runs of the step.
 */
public record TrackedLink(String code, String url, String corpId, String sopId, String stepId, String runKey, String sender) {

    public TrackedLink {
        if (!LinkCodes.isWellFormed(code)) {
            throw new IllegalArgumentException("not a link code: " + code);
        }
        if (!HttpUrls.isHttpUrl(url)) {
            throw new IllegalArgumentException("a tracked link must be an http(s) URL");
        }
    }
}
