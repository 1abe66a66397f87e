package io.siyu.core.links;

import io.siyu.core.sop.Content;
import io.siyu.core.sop.Content.Attachment;
import io.siyu.core.sop.RunId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Replaces the links of a step's content by tracked short links, {@code {base}/l/{code}}, at
 * planning time: the URL of every link attachment and every http(s) URL in the text. One code per
 * (step, sender, URL) ({@link LinkCodes}): WeCom sends one call's content to every recipient, so a
 * click is attributed to the step and the sender's slice of the audience (for group sends, the
 * sender's groups), never to a person. Each code is registered ({@link LinkRegistry}) before the
 * content that carries it is returned, so before the dispatch is written or sent.
 *
 * <p>Without a base URL ({@link #NONE}) content is returned unchanged. Text whose rewritten form
 * would exceed WeCom's 4,000 bytes keeps its original URLs (attachments are still rewritten).
 */
public final class LinkRewriter {

    public static final int MAX_TEXT_BYTES = 4000;
    /** Rewritten content per (run, sender) kept for the life of the process, at most this many. */
    private static final int CACHE = 4096;

    public static final LinkRewriter NONE = new LinkRewriter(null, null);

    private final String base;
    private final LinkRegistry registry;
    private record Key(String run, String sender, Content content) {}

    private final Map<Key, Content> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Content> eldest) {
            return size() > CACHE;
        }
    };

    /**
     * @param baseUrl where the links function is served, e.g. {@code https://go.example.com}
     *                (an http(s) URL without a trailing slash); null for no tracking
     */
    public LinkRewriter(String baseUrl, LinkRegistry registry) {
        if (baseUrl != null) {
            String trimmed = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
            if (!HttpUrls.isHttpUrl(trimmed) || trimmed.contains("?") || trimmed.contains("#")) {
                throw new IllegalArgumentException("the links base URL must be an http(s) URL without query: " + baseUrl);
            }
            if (registry == null) {
                throw new IllegalArgumentException("a links base URL needs a registry");
            }
            this.base = trimmed;
        } else {
            this.base = null;
        }
        this.registry = registry;
    }

    public boolean enabled() {
        return base != null;
    }

    /** The content each sender's dispatches of {@code run} carry. */
    public Function<String, Content> contentFor(RunId run, Content content) {
        if (base == null || content == null) {
            return sender -> content;
        }
        return sender -> rewrite(run, sender, content);
    }

    public Content rewrite(RunId run, String sender, Content content) {
        if (base == null || content == null) {
            return content;
        }
        Key cacheKey = new Key(run.key(), sender, content);
        synchronized (cache) {
            Content cached = cache.get(cacheKey);
            if (cached != null) {
                return cached;
            }
        }
        Map<String, String> shortUrls = new LinkedHashMap<>();
        Function<String, String> shorten = url -> shortUrls.computeIfAbsent(url, u -> {
            String code = LinkCodes.code(run.corpId(), run.sopId(), run.stepId(), sender, u);
            registry.register(new TrackedLink(code, u, run.corpId(), run.sopId(), run.stepId(), run.key(), sender));
            return base + "/l/" + code;
        });
        List<Attachment> attachments = new ArrayList<>();
        for (Attachment a : content.attachments()) {
            if (a instanceof Attachment.Link link && HttpUrls.isHttpUrl(link.url())) {
                attachments.add(new Attachment.Link(link.title(), shorten.apply(link.url()), link.picUrl(), link.desc()));
            } else {
                attachments.add(a);
            }
        }
        String text = rewriteText(content.text(), shorten);
        Content out = new Content(text, attachments);
        synchronized (cache) {
            cache.put(cacheKey, out);
        }
        return out;
    }

    private String rewriteText(String text, Function<String, String> shorten) {
        if (text == null) {
            return null;
        }
        List<int[]> spans = new ArrayList<>();
        HttpUrls.inText(text, (start, end) -> {
            if (HttpUrls.isHttpUrl(text.substring(start, end))) {
                spans.add(new int[] {start, end});
            }
        });
        if (spans.isEmpty()) {
            return text;
        }
        // Measure first: text that would grow past WeCom's limit keeps its URLs (and registers nothing).
        StringBuilder out = new StringBuilder();
        int at = 0;
        List<String> urls = new ArrayList<>();
        for (int[] s : spans) {
            urls.add(text.substring(s[0], s[1]));
        }
        int shortBytes = base.getBytes(StandardCharsets.UTF_8).length + "/l/".length() + LinkCodes.LENGTH;
        int growth = 0;
        for (String u : urls) {
            growth += shortBytes - u.getBytes(StandardCharsets.UTF_8).length;
        }
        if (text.getBytes(StandardCharsets.UTF_8).length + growth > MAX_TEXT_BYTES) {
            return text;
        }
        for (int i = 0; i < spans.size(); i++) {
            out.append(text, at, spans.get(i)[0]).append(shorten.apply(urls.get(i)));
            at = spans.get(i)[1];
        }
        return out.append(text.substring(at)).toString();
    }
}
