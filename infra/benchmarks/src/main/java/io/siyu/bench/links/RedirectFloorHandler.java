package io.siyu.bench.links;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.Map;

/**
 * The floor of the links function: the same event and response types, mapped by the same runtime
 * serialisation, and a constant 302; no lookup, no counting.
 */
public final class RedirectFloorHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String code = event.getPathParameters() == null ? "" : event.getPathParameters().get("code");
        return APIGatewayV2HTTPResponse.builder().withStatusCode(code == null ? 404 : 302)
                .withHeaders(Map.of("Location", "https://shop.example.com/", "Cache-Control", "no-store")).withBody("").build();
    }
}
