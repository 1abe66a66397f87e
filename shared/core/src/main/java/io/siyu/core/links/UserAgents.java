package io.siyu.core.links;

import java.util.List;
import java.util.Locale;

/**
 * Which requests are not people: link-preview fetchers, crawlers and HTTP libraries (docs/sop.md,
 * "Tracked links"). A request is a bot when its User-Agent is absent or blank, or contains one of
 * {@link #TOKENS}, compared without case. WeCom and WeChat do not document the user agent of their
 * link-preview fetchers; their in-app browsers ({@code wxwork}, {@code MicroMessenger}) are people
 * and do not match.
 */
public final class UserAgents {

    /** Substrings, lower case. */
    public static final List<String> TOKENS = List.of(
            "bot", "spider", "crawler", "crawl", "slurp", "preview", "facebookexternalhit", "facebot", "embedly",
            "whatsapp", "telegram", "skypeuripreview", "bitlypreview", "vkshare", "pinterest", "redditbot",
            "discord", "mastodon", "linkexpander", "headlesschrome", "phantomjs", "lighthouse",
            "curl/", "wget/", "python-requests", "python-urllib", "aiohttp", "httpx", "go-http-client", "okhttp",
            "java/", "apache-httpclient", "libwww-perl", "node-fetch", "axios/", "undici", "postmanruntime",
            "insomnia", "scrapy", "httpclient");

    private UserAgents() {}

    public static boolean isBot(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return true;
        }
        String ua = userAgent.toLowerCase(Locale.ROOT);
        for (String token : TOKENS) {
            if (ua.contains(token)) {
                return true;
            }
        }
        return false;
    }
}
