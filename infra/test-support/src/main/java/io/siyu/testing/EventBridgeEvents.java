package io.siyu.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * The JSON EventBridge hands a rule's Lambda target (the event envelope with {@code detail}),
 * for handler tests of bus consumers.
 */
public final class EventBridgeEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventBridgeEvents() {}

    public static String json(String source, String detailType, String detailJson, Instant time) {
        try {
            ObjectNode event = JSON.createObjectNode();
            event.put("version", "0");
            event.put("id", UUID.randomUUID().toString());
            event.put("detail-type", detailType);
            event.put("source", source);
            event.put("account", "123456789012");
            event.put("time", time.toString());
            event.put("region", "ap-east-1");
            event.putArray("resources");
            event.set("detail", JSON.readTree(detailJson));
            return JSON.writeValueAsString(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static InputStream stream(String source, String detailType, String detailJson, Instant time) {
        return new ByteArrayInputStream(json(source, detailType, detailJson, time).getBytes(StandardCharsets.UTF_8));
    }
}
