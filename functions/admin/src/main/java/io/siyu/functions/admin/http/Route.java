package io.siyu.functions.admin.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One admin route: method, path template ({@code /admin/channels/{channelId}}) and what answers it.
 * The set of routes must equal the template's HttpApi events and the OpenAPI document's paths
 * (checked by AdminRoutesMatchTemplateAndOpenApiTest).
 */
public record Route(String method, String pathTemplate, Function<ApiRequest, ApiResponse> handler) {

    /**
     * Path parameters if {@code path} matches this template, else null. A last segment
     * {@code {name+}} after a literal prefix is API Gateway's greedy parameter: the rest of the path.
     */
    Map<String, String> match(String path) {
        String[] want = pathTemplate.split("/", -1);
        String last = want[want.length - 1];
        if (last.startsWith("{") && last.endsWith("+}")) {
            // Only after a literal prefix (the console's /console/{proxy+}).
            String prefix = pathTemplate.substring(0, pathTemplate.length() - last.length());
            if (!path.startsWith(prefix) || path.length() == prefix.length()) {
                return null;
            }
            Map<String, String> greedy = new java.util.HashMap<>();
            greedy.put(last.substring(1, last.length() - 2), java.net.URLDecoder.decode(
                    path.substring(prefix.length()), java.nio.charset.StandardCharsets.UTF_8));
            return greedy;
        }
        String[] got = path.split("/", -1);
        if (want.length != got.length) {
            return null;
        }
        Map<String, String> params = new java.util.HashMap<>();
        for (int i = 0; i < want.length; i++) {
            if (want[i].startsWith("{") && want[i].endsWith("}")) {
                if (got[i].isEmpty()) {
                    return null;
                }
                params.put(want[i].substring(1, want[i].length() - 1), java.net.URLDecoder.decode(got[i], java.nio.charset.StandardCharsets.UTF_8));
            } else if (!want[i].equals(got[i])) {
                return null;
            }
        }
        return params;
    }

    /** A group of routes contributed by one capability. */
    public interface Module {
        List<Route> routes();
    }

    public static List<Route> all(List<Module> modules) {
        List<Route> out = new ArrayList<>();
        modules.forEach(m -> out.addAll(m.routes()));
        return out;
    }
}
