package io.siyu.local.stack;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HttpApi route of the template, matched as API Gateway matches HTTP API routes: the most
 * specific path wins (literal segments over {@code {param}}, {@code {param}} over a greedy
 * {@code {proxy+}}), an exact method over {@code ANY}, and {@code $default} catches the rest.
 *
 * @param method     upper case, or ANY
 * @param path       the template's Path ({@code /admin/channels/{channelId}}), or {@code $default}
 * @param authorizer the authorizer's name, or null when the route is open
 */
public record HttpRoute(String method, String path, String functionId, String authorizer) {

    public static final String DEFAULT = "$default";

    public HttpRoute {
        method = method == null || method.equals("*") ? "ANY" : method.toUpperCase(Locale.ROOT);
    }

    public String routeKey() {
        return path.equals(DEFAULT) ? DEFAULT : method + " " + path;
    }

    /** The path parameters when {@code requestPath} matches this route's path, else null. */
    public Map<String, String> match(String requestPath) {
        if (path.equals(DEFAULT)) {
            return Map.of();
        }
        String[] want = path.split("/", -1);
        String[] got = requestPath.split("/", -1);
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < want.length; i++) {
            String w = want[i];
            if (w.startsWith("{") && w.endsWith("+}")) {
                if (i >= got.length) {
                    return null;
                }
                String rest = String.join("/", java.util.Arrays.copyOfRange(got, i, got.length));
                if (rest.isEmpty()) {
                    return null;
                }
                params.put(w.substring(1, w.length() - 2), decode(rest));
                return params;
            }
            if (i >= got.length) {
                return null;
            }
            if (w.startsWith("{") && w.endsWith("}")) {
                if (got[i].isEmpty()) {
                    return null;
                }
                params.put(w.substring(1, w.length() - 1), decode(got[i]));
            } else if (!w.equals(got[i])) {
                return null;
            }
        }
        return want.length == got.length ? params : null;
    }

    public boolean acceptsMethod(String requestMethod) {
        return method.equals("ANY") || method.equals(requestMethod);
    }

    /** Higher is more specific: literal segments count most, then parameters; greedy and ANY least. */
    public int specificity() {
        if (path.equals(DEFAULT)) {
            return Integer.MIN_VALUE;
        }
        int score = 0;
        for (String segment : path.split("/")) {
            if (segment.endsWith("+}")) {
                score -= 1000;
            } else if (segment.startsWith("{")) {
                score += 10;
            } else if (!segment.isEmpty()) {
                score += 100;
            }
        }
        return method.equals("ANY") ? score * 2 : score * 2 + 1;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
