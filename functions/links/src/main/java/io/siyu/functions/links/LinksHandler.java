package io.siyu.functions.links;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.siyu.core.links.Visitors;
import io.siyu.lambda.HttpRequests;
import io.siyu.lambda.HttpResponses;
import io.siyu.lambda.Observability;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /l/{code}}: a tracked link in SOP content (docs/sop.md, "Tracked links"). 302 to the
 * URL stored for the code, never to anything the request names (no open redirect); 404 for a
 * malformed or unknown code, with nothing counted. No authoriser: the customer's WeChat opens it.
 */
public final class LinksHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final LinkRedirect redirect;
    private final Clock clock;

    public LinksHandler() {
        this(LinksConfig.fromEnvironment().redirect(), Clock.systemUTC());
    }

    LinksHandler(LinkRedirect redirect, Clock clock) {
        this.redirect = redirect;
        this.clock = clock;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Observability.handle(context, () -> respond(event));
    }

    APIGatewayV2HTTPResponse respond(APIGatewayV2HTTPEvent event) {
        String code = HttpRequests.pathParameter(event, "code");
        String requestId = event.getRequestContext() == null ? null : event.getRequestContext().getRequestId();
        // The request's own time (API Gateway's timeEpoch): a retried request falls on the same day.
        long epoch = event.getRequestContext() == null ? 0 : event.getRequestContext().getTimeEpoch();
        Instant at = epoch > 0 ? Instant.ofEpochMilli(epoch) : clock.instant();
        LinkRedirect.Result result = redirect.visit(code, HttpRequests.header(event, "user-agent"), visitorCookie(event),
                requestId, at);
        if (!result.found()) {
            Observability.count("LinkNotFound");
            return notFound();
        }
        if (result.counted() != null) {
            Observability.count(switch (result.counted()) {
                case CLICK_NEW_VISITOR, CLICK -> "LinkClicks";
                case BOT -> "LinkBotClicks";
                case DUPLICATE -> "LinkDuplicateRequests";
            });
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Location", result.location());
        headers.put("Cache-Control", "no-store");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Content-Type", "text/plain; charset=utf-8");
        APIGatewayV2HTTPResponse.APIGatewayV2HTTPResponseBuilder response = APIGatewayV2HTTPResponse.builder()
                .withStatusCode(302).withHeaders(headers).withBody("");
        if (result.newVisitor() != null) {
            response.withCookies(List.of(Visitors.setCookie(result.newVisitor())));
        }
        return response.build();
    }

    private static APIGatewayV2HTTPResponse notFound() {
        APIGatewayV2HTTPResponse r = HttpResponses.text(404, "not found\n");
        Map<String, String> headers = new LinkedHashMap<>(r.getHeaders());
        headers.put("Cache-Control", "no-store");
        headers.put("X-Content-Type-Options", "nosniff");
        r.setHeaders(headers);
        return r;
    }

    /** The {@code siyu_v} cookie: from the event's cookies (payload 2.0), else a Cookie header (other callers). */
    static String visitorCookie(APIGatewayV2HTTPEvent event) {
        List<String> cookies = event.getCookies();
        if (cookies == null || cookies.isEmpty()) {
            String header = HttpRequests.header(event, "cookie");
            cookies = header == null ? List.of() : List.of(header.split(";"));
        }
        String prefix = Visitors.COOKIE + "=";
        for (String c : cookies) {
            String t = c.strip();
            if (t.startsWith(prefix)) {
                return t.substring(prefix.length());
            }
        }
        return null;
    }
}
