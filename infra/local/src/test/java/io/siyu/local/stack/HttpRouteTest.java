package io.siyu.local.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** HTTP API route selection: the most specific path, then the exact method, as API Gateway chooses. */
class HttpRouteTest {

    static final List<HttpRoute> ROUTES = List.of(
            new HttpRoute("GET", "/admin/channels/{channelId}", "Admin", "AdminJwt"),
            new HttpRoute("GET", "/admin/channels/ranking", "Admin", "AdminJwt"),
            new HttpRoute("ANY", "/admin/{proxy+}", "Fallback", null),
            new HttpRoute("POST", "/admin/channels/{channelId}/archive", "Admin", "AdminJwt"),
            new HttpRoute("ANY", "$default", "Default", null));

    static String select(String method, String path) {
        return ROUTES.stream().sorted(Comparator.comparingInt(HttpRoute::specificity).reversed())
                .filter(r -> r.match(path) != null && r.acceptsMethod(method)).findFirst().map(HttpRoute::routeKey).orElse(null);
    }

    @Test
    void aLiteralSegmentBeatsAParameter() {
        assertThat(select("GET", "/admin/channels/ranking")).isEqualTo("GET /admin/channels/ranking");
        assertThat(select("GET", "/admin/channels/abc")).isEqualTo("GET /admin/channels/{channelId}");
    }

    @Test
    void aGreedyParameterTakesWhatNothingMoreSpecificTakes() {
        assertThat(select("DELETE", "/admin/channels/abc")).isEqualTo("ANY /admin/{proxy+}");
        assertThat(select("GET", "/admin/a/b/c")).isEqualTo("ANY /admin/{proxy+}");
        assertThat(new HttpRoute("ANY", "/admin/{proxy+}", "F", null).match("/admin/a/b%20c")).isEqualTo(Map.of("proxy", "a/b c"));
        assertThat(select("GET", "/elsewhere")).isEqualTo("$default");
    }

    @Test
    void pathParametersAreDecodedAndEmptySegmentsDoNotMatch() {
        HttpRoute route = new HttpRoute("POST", "/admin/channels/{channelId}/archive", "Admin", null);
        assertThat(route.match("/admin/channels/a%2Fb/archive")).isEqualTo(Map.of("channelId", "a/b"));
        assertThat(route.match("/admin/channels//archive")).isNull();
        assertThat(route.match("/admin/channels/x/archive/more")).isNull();
    }

    @Test
    void aStarMethodMeansAny() {
        assertThat(new HttpRoute("*", "/x", "F", null).routeKey()).isEqualTo("ANY /x");
        assertThat(new HttpRoute("get", "/x", "F", null).acceptsMethod("GET")).isTrue();
    }
}
