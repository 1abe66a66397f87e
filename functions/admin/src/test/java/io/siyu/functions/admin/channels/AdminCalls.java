package io.siyu.functions.admin.channels;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.emulators.LambdaContext;
import io.siyu.functions.admin.AdminHandler;
import io.siyu.testing.HttpApiEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/** Calls the admin handler as API Gateway would, with the JWT claims the authoriser passes on. */
final class AdminCalls {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final AdminHandler handler;

    AdminCalls(AdminHandler handler) {
        this.handler = handler;
    }

    JsonNode call(String method, String rawPath, String body, int expectedStatus) {
        String path = rawPath;
        Map<String, String> query = null;
        int q = rawPath.indexOf('?');
        if (q >= 0) {
            path = rawPath.substring(0, q);
            query = new HashMap<>();
            for (String pair : rawPath.substring(q + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        HttpApiEvents request = HttpApiEvents.request(method, path).query(query);
        if (body != null) {
            request.body(body).header("content-type", "application/json");
        }
        APIGatewayV2HTTPEvent event = request.build();
        var jwt = new APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT();
        jwt.setClaims(Map.of("sub", "operator-1", "email", "ops@example.com"));
        var authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        authorizer.setJwt(jwt);
        event.getRequestContext().setAuthorizer(authorizer);
        APIGatewayV2HTTPResponse r = handler.handleRequest(event, new LambdaContext("admin", 20));
        assertThat(r.getStatusCode()).as("%s %s -> %s", method, rawPath, r.getBody()).isEqualTo(expectedStatus);
        try {
            return r.getBody() == null || r.getBody().isEmpty() ? null : JSON.readTree(r.getBody());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
