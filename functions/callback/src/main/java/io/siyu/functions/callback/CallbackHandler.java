package io.siyu.functions.callback;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.siyu.functions.callback.CallbackService.Outcome;
import io.siyu.lambda.HttpRequests;
import io.siyu.lambda.HttpResponses;
import io.siyu.lambda.Observability;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET|POST /wecom/callback}. Answers WeCom within its 5-second budget: the event goes to
 * the bus and everything slow happens in the functions behind it.
 */
public final class CallbackHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    /** WeCom's events are a few hundred bytes; anything near this is not WeCom. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(CallbackHandler.class);

    private final CallbackService service;

    public CallbackHandler() {
        this(CallbackConfig.fromEnvironment().service());
        CallbackConfig.prime();
    }

    CallbackHandler(CallbackService service) {
        this.service = service;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Observability.handle(context, () -> respond(event));
    }

    private APIGatewayV2HTTPResponse respond(APIGatewayV2HTTPEvent event) {
        Outcome outcome;
        switch (HttpRequests.method(event)) {
            case "GET" -> outcome = service.verifyUrl(event.getQueryStringParameters());
            case "POST" -> {
                byte[] body;
                try {
                    body = HttpRequests.body(event, MAX_BODY_BYTES);
                } catch (HttpRequests.BodyTooLarge e) {
                    LOG.warn("callback rejected: check=body_too_large limit={}", MAX_BODY_BYTES);
                    Observability.count("CallbackRejected");
                    return HttpResponses.error(413, "body_too_large", "request body is too large");
                } catch (IllegalArgumentException e) {
                    LOG.warn("callback rejected: check=malformed_xml (body is not valid base64)");
                    Observability.count("CallbackRejected");
                    return HttpResponses.error(400, "malformed_xml", "request body is not readable");
                }
                outcome = service.receive(event.getQueryStringParameters(), new String(body, StandardCharsets.UTF_8));
            }
            default -> {
                return HttpResponses.error(405, "method_not_allowed", "use GET to verify the URL or POST to deliver events");
            }
        }
        return toResponse(outcome);
    }

    private static APIGatewayV2HTTPResponse toResponse(Outcome outcome) {
        if (outcome instanceof Outcome.Verified v) {
            LOG.info("callback URL verified");
            return HttpResponses.text(200, v.echo());
        }
        if (outcome instanceof Outcome.Accepted a) {
            Observability.correlationId(a.eventId());
            LOG.info("callback event published: type={} eventId={}", a.detailType(), a.eventId());
            Observability.count("CallbackAccepted");
            return HttpResponses.empty(200);
        }
        if (outcome instanceof Outcome.Duplicate d) {
            Observability.correlationId(d.eventId());
            LOG.info("callback event is a redelivery, not published again: eventId={}", d.eventId());
            Observability.count("CallbackDuplicate");
            return HttpResponses.empty(200);
        }
        if (outcome instanceof Outcome.RetryLater r) {
            Observability.correlationId(r.eventId());
            LOG.error("callback event not published, WeCom will retry: eventId={} reason={}", r.eventId(), r.reason());
            Observability.count("CallbackRetryLater");
            return HttpResponses.error(503, "retry_later", "event could not be processed now; retry");
        }
        Outcome.Rejected rejected = (Outcome.Rejected) outcome;
        String check = rejected.check().name().toLowerCase(java.util.Locale.ROOT);
        LOG.warn("callback rejected: check={} reason={}", check, rejected.reason());
        Observability.count("CallbackRejected");
        int status = switch (rejected.check()) {
            case SIGNATURE, TIMESTAMP, RECEIVE_ID -> 403;
            case BODY_TOO_LARGE -> 413;
            default -> 400;
        };
        return HttpResponses.error(status, check, "callback rejected: " + check + " check failed");
    }
}
