package io.siyu.functions.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.functions.admin.http.ApiException;
import io.siyu.functions.admin.http.ApiResponse;
import io.siyu.functions.admin.http.Route;
import io.siyu.functions.admin.http.Router;
import io.siyu.functions.admin.http.Validation;
import io.siyu.testing.HttpApiEvents;
import io.siyu.wecom.api.WeComException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {

    record Thing(String name, int size) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Router router = new Router(List.of(
            new Route("GET", "/admin/things/{thingId}", r -> ApiResponse.ok(Map.of("id", r.pathParameter("thingId")))),
            new Route("POST", "/admin/things", r -> {
                Thing t = r.body(Thing.class);
                new Validation().required("name", t.name()).check(t.size() > 0, "size", "must be positive").orThrow();
                return ApiResponse.created(t);
            }),
            new Route("POST", "/admin/wecom", r -> {
                throw new WeComException("externalcontact/add_contact_way", 41054, "user not active", false);
            }),
            new Route("POST", "/admin/boom", r -> {
                throw new IllegalStateException("secret internals");
            }),
            new Route("DELETE", "/admin/things/{thingId}", r -> {
                throw ApiException.notFound("thing " + r.pathParameter("thingId"));
            })), AdminConfig.json());

    private JsonNode call(String method, String path, String body, int expectedStatus) throws Exception {
        var e = HttpApiEvents.request(method, path);
        if (body != null) {
            e.body(body);
        }
        APIGatewayV2HTTPResponse r = router.handle(e.build());
        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(expectedStatus);
        return r.getBody().isEmpty() ? null : JSON.readTree(r.getBody());
    }

    @Test
    void routesWithPathParameters() throws Exception {
        assertThat(call("GET", "/admin/things/a%20b", null, 200).path("id").asText()).isEqualTo("a b");
    }

    @Test
    void unknownPathsAndMethods() throws Exception {
        assertThat(call("GET", "/admin/nothing", null, 404).path("error").path("code").asText()).isEqualTo("not_found");
        assertThat(call("PUT", "/admin/things/1", null, 405).path("error").path("code").asText()).isEqualTo("method_not_allowed");
        call("GET", "/admin/things/", null, 404);
    }

    @Test
    void everyInvalidFieldIsNamed() throws Exception {
        JsonNode error = call("POST", "/admin/things", "{\"name\": \"\", \"size\": 0}", 400).path("error");
        assertThat(error.path("code").asText()).isEqualTo("invalid_request");
        assertThat(error.path("fields").path("name").asText()).isEqualTo("is required");
        assertThat(error.path("fields").path("size").asText()).isEqualTo("must be positive");
    }

    @Test
    void badJsonUnknownFieldsAndWrongTypesAre400() throws Exception {
        assertThat(call("POST", "/admin/things", "{not json", 400).path("error").path("message").asText()).contains("not valid JSON");
        assertThat(call("POST", "/admin/things", "{\"name\":\"x\",\"size\":1,\"colour\":\"red\"}", 400)
                .path("error").path("fields").has("colour")).isTrue();
        assertThat(call("POST", "/admin/things", "{\"name\":\"x\",\"size\":\"big\"}", 400)
                .path("error").path("fields").has("size")).isTrue();
        call("POST", "/admin/things", "", 400);
        call("POST", "/admin/things", "null", 400);
    }

    @Test
    void weComFailuresAre502WithTheErrcode() throws Exception {
        JsonNode error = call("POST", "/admin/wecom", "{}", 502).path("error");
        assertThat(error.path("wecomErrcode").asInt()).isEqualTo(41054);
    }

    @Test
    void unexpectedFailuresSayNothingOfTheirCause() throws Exception {
        JsonNode error = call("POST", "/admin/boom", "{}", 500).path("error");
        assertThat(error.toString()).doesNotContain("secret internals").doesNotContain("IllegalState");
    }

    @Test
    void oversizedBodiesAre413() throws Exception {
        call("POST", "/admin/things", "{\"name\":\"" + "x".repeat(300_000) + "\",\"size\":1}", 413);
    }

    @Test
    void notFoundIs404() throws Exception {
        assertThat(call("DELETE", "/admin/things/7", null, 404).path("error").path("message").asText()).isEqualTo("thing 7 does not exist");
    }
}
