package io.siyu.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/** Reading HttpApi (payload format 2.0) requests safely: absent maps, base64 bodies, size limits. */
public final class HttpRequests {

    private HttpRequests() {}

    /** Thrown when a body is larger than allowed; callers answer 413. */
    public static final class BodyTooLarge extends RuntimeException {
        public BodyTooLarge(int limit) {
            super("body larger than " + limit + " bytes");
        }
    }

    public static String method(APIGatewayV2HTTPEvent event) {
        var http = event.getRequestContext() == null ? null : event.getRequestContext().getHttp();
        return http == null || http.getMethod() == null ? "" : http.getMethod().toUpperCase(Locale.ROOT);
    }

    public static String query(APIGatewayV2HTTPEvent event, String name) {
        Map<String, String> q = event.getQueryStringParameters();
        return q == null ? null : q.get(name);
    }

    public static String pathParameter(APIGatewayV2HTTPEvent event, String name) {
        Map<String, String> p = event.getPathParameters();
        return p == null ? null : p.get(name);
    }

    /** Header lookup ignoring case (HttpApi lowercases names; the local stack and tests may not). */
    public static String header(APIGatewayV2HTTPEvent event, String name) {
        Map<String, String> headers = event.getHeaders();
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    /** The raw body bytes (base64 decoded when the event says so), refusing more than {@code limit}. */
    public static byte[] body(APIGatewayV2HTTPEvent event, int limit) {
        String body = event.getBody();
        if (body == null) {
            return new byte[0];
        }
        // A base64 body is 4/3 of the raw size: reject early without decoding a huge string.
        if (body.length() > (event.getIsBase64Encoded() ? limit / 3 * 4 + 4 : limit * 4L)) {
            throw new BodyTooLarge(limit);
        }
        byte[] bytes = event.getIsBase64Encoded() ? Base64.getMimeDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > limit) {
            throw new BodyTooLarge(limit);
        }
        return bytes;
    }
}
