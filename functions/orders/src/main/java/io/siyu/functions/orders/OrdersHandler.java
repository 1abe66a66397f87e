package io.siyu.functions.orders;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.siyu.functions.orders.OrderIngest.Credentials;
import io.siyu.lambda.HttpRequests;
import io.siyu.lambda.HttpResponses;
import io.siyu.lambda.Observability;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /orders} (one order) and {@code POST /orders/batch} (back-fill, up to 500) from the
 * mall or order system, authenticated by the source's HMAC signature (docs/orders.md).
 */
public final class OrdersHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    static final int MAX_ORDER_BYTES = 16 * 1024;
    static final int MAX_BATCH_BYTES = 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(OrdersHandler.class);

    private final OrderIngest ingest;

    public OrdersHandler() {
        this(OrdersConfig.fromEnvironment().ingest());
    }

    OrdersHandler(OrderIngest ingest) {
        this.ingest = ingest;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Observability.handle(context, () -> respond(event));
    }

    private APIGatewayV2HTTPResponse respond(APIGatewayV2HTTPEvent event) {
        String path = event.getRawPath() == null ? "" : event.getRawPath();
        boolean batch = path.equals("/orders/batch");
        if (!batch && !path.equals("/orders")) {
            return HttpResponses.error(404, "not_found", "no such route");
        }
        if (!HttpRequests.method(event).equals("POST")) {
            return HttpResponses.error(405, "method_not_allowed", "use POST");
        }
        try {
            byte[] body = HttpRequests.body(event, batch ? MAX_BATCH_BYTES : MAX_ORDER_BYTES);
            Credentials credentials = new Credentials(HttpRequests.header(event, OrderSignatures.SOURCE_HEADER),
                    HttpRequests.header(event, OrderSignatures.TIMESTAMP_HEADER),
                    HttpRequests.header(event, OrderSignatures.SIGNATURE_HEADER));
            Map<String, Object> reply = batch ? ingest.batch(credentials, body) : ingest.one(credentials, body);
            Observability.count(batch ? "OrderBatchesAccepted" : "OrdersAccepted");
            LOG.info("orders stored: source={} route={} result={}", credentials.source(), path,
                    batch ? "batch" : reply.get("result"));
            return HttpResponses.json(200, reply);
        } catch (HttpRequests.BodyTooLarge e) {
            return reject(413, "body_too_large", "the body is larger than " + (batch ? MAX_BATCH_BYTES : MAX_ORDER_BYTES)
                    + " bytes", Map.of());
        } catch (IllegalArgumentException e) {
            return reject(400, "invalid_order", "the body is not readable", Map.of()); // bad base64
        } catch (OrderRejected r) {
            return reject(r.status(), r.code(), r.getMessage(), r.fields());
        }
    }

    private static APIGatewayV2HTTPResponse reject(int status, String code, String message, Map<String, String> fields) {
        LOG.warn("orders rejected: status={} code={} fields={}", status, code, fields.keySet());
        Observability.count("OrdersRejected");
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        if (!fields.isEmpty()) {
            error.put("fields", fields);
        }
        return HttpResponses.json(status, Map.of("error", error));
    }
}
