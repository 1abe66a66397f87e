package io.siyu.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * WeCom's server API played by WireMock, answering with the JSON WeCom documents
 * (wecom-api.md). One place for the replies every capability's tests need.
 */
public final class WeComStub {

    public static final String ACCESS_TOKEN = "accesstoken000001";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer server;

    public WeComStub(WireMockServer server) {
        this.server = server;
    }

    public WireMockServer server() {
        return server;
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    /** gettoken answers {@code token}, valid {@code expires_in} 7200 s, as documented in 91039. */
    public WeComStub token(String token) {
        server.stubFor(get(urlPathEqualTo("/cgi-bin/gettoken")).willReturn(json(
                "{\"errcode\":0,\"errmsg\":\"ok\",\"access_token\":\"" + token + "\",\"expires_in\":7200}")));
        return this;
    }

    /** {@code api} (for example {@code externalcontact/add_contact_way}) answers {@code body}. */
    public WeComStub ok(String api, String body) {
        server.stubFor(any(urlPathEqualTo("/cgi-bin/" + api)).willReturn(json(body)));
        return this;
    }

    /** {@code api} answers the plain success reply. */
    public WeComStub ok(String api) {
        return ok(api, "{\"errcode\":0,\"errmsg\":\"ok\"}");
    }

    /** {@code api} answers {@code body} to requests whose body contains {@code text} (ahead of other stubs). */
    public WeComStub okWhenBodyContains(String api, String text, String body) {
        server.stubFor(any(urlPathEqualTo("/cgi-bin/" + api)).withRequestBody(
                com.github.tomakehurst.wiremock.client.WireMock.containing(text)).atPriority(1).willReturn(json(body)));
        return this;
    }

    /** {@code api} answers an error code. */
    public WeComStub error(String api, int errcode, String errmsg) {
        return ok(api, "{\"errcode\":" + errcode + ",\"errmsg\":\"" + errmsg + "\"}");
    }

    /** {@code api} answers each body in turn, then keeps answering the last one. */
    public WeComStub sequence(String api, String... bodies) {
        String scenario = "seq-" + api;
        for (int i = 0; i < bodies.length; i++) {
            String state = i == 0 ? Scenario.STARTED : "step-" + i;
            ScenarioMappingBuilder m = any(urlPathEqualTo("/cgi-bin/" + api)).inScenario(scenario).whenScenarioStateIs(state);
            m.willReturn(json(bodies[i]));
            if (i < bodies.length - 1) {
                m.willSetStateTo("step-" + (i + 1));
            }
            server.stubFor(m);
        }
        return this;
    }

    /** Requests made to {@code api} with this access token, in order. */
    public List<LoggedRequest> requests(String api) {
        return server.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(urlPathEqualTo("/cgi-bin/" + api)));
    }

    /** The JSON bodies posted to {@code api}, in order. */
    public List<JsonNode> bodies(String api) {
        return requests(api).stream().map(r -> {
            try {
                return JSON.readTree(r.getBodyAsString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    public int calls(String api) {
        return requests(api).size();
    }

    /** Only requests that carry this token in the query match (for token-rotation tests). */
    public WeComStub okForToken(String api, String token, String body) {
        server.stubFor(any(urlPathEqualTo("/cgi-bin/" + api)).withQueryParam("access_token", equalTo(token))
                .atPriority(1).willReturn(json(body)));
        return this;
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8").withBody(body);
    }
}
