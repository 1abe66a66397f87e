package io.siyu.functions.admin;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

/** Lets tests of capability packages drive the admin handler exactly as Lambda does. */
public final class AdminHandlerAccess {

    private final AdminHandler handler;

    private AdminHandlerAccess(AdminHandler handler) {
        this.handler = handler;
    }

    /** The handler built by its public constructor, from the current {@code Env}. */
    public static AdminHandlerAccess fromEnvironment() {
        return new AdminHandlerAccess(new AdminHandler());
    }

    public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event, Context context) {
        return handler.handleRequest(event, context);
    }
}
