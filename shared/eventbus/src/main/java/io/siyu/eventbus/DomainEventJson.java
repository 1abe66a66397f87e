package io.siyu.eventbus;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.siyu.core.events.DomainEvent;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Domain events as JSON: the {@code detail} of an EventBridge entry, and back from the event
 * EventBridge delivers to a rule's target. Times are ISO-8601 strings; absent values are left out.
 */
public final class DomainEventJson {

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private static final Map<String, Class<?>> TYPES = Arrays.stream(DomainEvent.class.getPermittedSubclasses())
            .collect(Collectors.toUnmodifiableMap(Class::getSimpleName, Function.identity()));

    private DomainEventJson() {}

    public static String detail(DomainEvent event) {
        try {
            return JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + event.detailType(), e);
        }
    }

    /** A detail JSON of the given detail-type back into its record. */
    public static DomainEvent fromDetail(String detailType, String detailJson) {
        try {
            return fromDetail(detailType, JSON.readTree(detailJson));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("detail of " + detailType + " is not JSON", e);
        }
    }

    /**
     * The event EventBridge hands a rule target ({@code {"detail-type": ..., "detail": {...}}}).
     *
     * @throws IllegalArgumentException for JSON that is not a Siyu domain event
     */
    public static DomainEvent fromEventBridgeEvent(InputStream in) {
        try {
            JsonNode event = JSON.readTree(in);
            return fromDetail(event.path("detail-type").asText(), event.path("detail"));
        } catch (IOException e) {
            throw new IllegalArgumentException("not an EventBridge event", e);
        }
    }

    public static DomainEvent fromEventBridgeEvent(String json) {
        try {
            JsonNode event = JSON.readTree(json);
            return fromDetail(event.path("detail-type").asText(), event.path("detail"));
        } catch (IOException e) {
            throw new IllegalArgumentException("not an EventBridge event", e);
        }
    }

    private static DomainEvent fromDetail(String detailType, JsonNode detail) {
        Class<?> type = TYPES.get(detailType);
        if (type == null) {
            throw new IllegalArgumentException("unknown detail-type " + detailType);
        }
        if (!detail.isObject()) {
            throw new IllegalArgumentException("detail of " + detailType + " is not an object");
        }
        try {
            return (DomainEvent) JSON.treeToValue(detail, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("detail does not fit " + detailType + ": " + e.getOriginalMessage(), e);
        }
    }

    /** The mapper configured as above, for code that writes other JSON in the same style. */
    public static ObjectMapper mapper() {
        return JSON;
    }
}
