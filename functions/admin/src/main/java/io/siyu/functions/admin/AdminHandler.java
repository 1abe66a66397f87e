package io.siyu.functions.admin;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.siyu.functions.admin.http.Router;
import io.siyu.lambda.Observability;

/**
 * The operators' admin API (routes under {@code /admin/}, documented in docs/openapi.yaml). In
 * AWS the HttpApi's JWT authoriser admits callers before this runs.
 */
public final class AdminHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final Router router;

    public AdminHandler() {
        this(AdminConfig.fromEnvironment().router());
    }

    AdminHandler(Router router) {
        this.router = router;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Observability.handle(context, () -> router.handle(event));
    }

    Router router() {
        return router;
    }
}
