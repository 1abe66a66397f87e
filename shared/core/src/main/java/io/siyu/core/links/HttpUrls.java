package io.siyu.core.links;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one rule for URLs Siyu sends and redirects to: absolute {@code http} or {@code https}, with
 * a host, no whitespace or control characters, at most 2,048 bytes (WeCom's link limit,
 * wecom-api.md §9). The admin API refuses anything else in SOP content; the redirect function
 * checks a stored URL again before answering with it.
 */
public final class HttpUrls {

    public static final int MAX_BYTES = 2048;

    /**
     * An http(s) URL inside text: the scheme, then everything up to whitespace, a quote or angle
     * bracket, or CJK punctuation (Chinese text puts no space between a URL and the next word).
     * Trailing ASCII punctuation ({@code .,;:!?)]}'}) is left to the sentence ({@link #inText}).
     */
    private static final Pattern IN_TEXT = Pattern.compile(
            "(?i)(?<![A-Za-z0-9])https?://[^\\s\"'<>\\u3000-\\u303F\\uFF00-\\uFFEF\\u2018-\\u201F]+");
    /** {@code scheme://}, {@code javascript:}, {@code vbscript:} or {@code data:type/} anywhere in text. */
    private static final Pattern ANY_SCHEME = Pattern.compile("(?i)(?<![A-Za-z0-9+.-])([a-z][a-z0-9+.-]*)://|(?<![A-Za-z0-9])(javascript|vbscript):|(?<![A-Za-z0-9])(data):[a-z]+/");

    private HttpUrls() {}

    public static boolean isHttpUrl(String url) {
        if (url == null || url.isEmpty() || url.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return false;
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c <= 0x20 || c == 0x7f || Character.isWhitespace(c) || Character.isISOControl(c)) {
                return false;
            }
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
            return false;
        }
        try {
            URI uri = new URI(url);
            String host = uri.getHost();
            return uri.isAbsolute() && host != null && !host.isEmpty() && uri.getRawUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** Calls {@code found} with each http(s) URL of {@code text}: start index, end index (exclusive). */
    public static void inText(String text, UrlVisitor found) {
        if (text == null) {
            return;
        }
        Matcher m = IN_TEXT.matcher(text);
        while (m.find()) {
            int end = m.end();
            while (end > m.start() && ".,;:!?)]}'".indexOf(text.charAt(end - 1)) >= 0) {
                end--;
            }
            found.url(m.start(), end);
        }
    }

    /** The first scheme in {@code text} that is not http(s) ({@code ftp}, {@code javascript}), or null. */
    public static String otherScheme(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = ANY_SCHEME.matcher(text);
        while (m.find()) {
            String scheme = (m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3)).toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return scheme;
            }
        }
        return null;
    }

    @FunctionalInterface
    public interface UrlVisitor {
        void url(int start, int end);
    }
}
