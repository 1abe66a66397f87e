package io.siyu.emulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * EventBridge's HTTP API (AWS JSON 1.1, {@code X-Amz-Target: AWSEvents.PutEvents}) served by
 * WireMock: it records every accepted entry, answers like EventBridge, and can be told to fail
 * the next calls, as a whole (HTTP 500) or entry by entry ({@code FailedEntryCount}).
 */
public final class EventBridgeStub implements ResponseDefinitionTransformerV2 {

    /** One entry as EventBridge accepted it. */
    public record Entry(String eventId, String eventBusName, String source, String detailType, String detail,
                        String time, List<String> resources) {}

    /** How the next PutEvents call fails. */
    public enum Failure { HTTP_500, ENTRY_FAILED }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_11 = "application/x-amz-json-1.1";

    private final List<Entry> accepted = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedDeque<Failure> failures = new ConcurrentLinkedDeque<>();
    private volatile Consumer<Entry> listener = e -> { };

    /** Starts a WireMock server on a free port that answers EventBridge calls through this stub. */
    public WireMockServer start(int port) {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options()
                .port(port).bindAddress("127.0.0.1").extensions(this).disableRequestJournal());
        server.start();
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl())
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                        .withTransformers(getName())));
        return server;
    }

    @Override
    public String getName() {
        return "eventbridge";
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        String target = serveEvent.getRequest().getHeader("X-Amz-Target");
        if (!"AWSEvents.PutEvents".equals(target)) {
            return json(200, JSON.createObjectNode());
        }
        JsonNode request;
        try {
            request = JSON.readTree(serveEvent.getRequest().getBodyAsString());
        } catch (IOException e) {
            return json(400, JSON.createObjectNode().put("__type", "ValidationException").put("message", "bad JSON"));
        }
        JsonNode entries = request.path("Entries");
        Failure failure = failures.poll();
        if (failure == Failure.HTTP_500) {
            return json(500, JSON.createObjectNode().put("__type", "InternalException").put("message", "injected failure"));
        }
        ObjectNode reply = JSON.createObjectNode();
        ArrayNode results = reply.putArray("Entries");
        int failed = 0;
        for (JsonNode e : entries) {
            if (failure == Failure.ENTRY_FAILED) {
                failed++;
                results.addObject().put("ErrorCode", "InternalFailure").put("ErrorMessage", "injected entry failure");
                continue;
            }
            String id = UUID.randomUUID().toString();
            List<String> resources = new ArrayList<>();
            e.path("Resources").forEach(r -> resources.add(r.asText()));
            Entry entry = new Entry(id, e.path("EventBusName").asText("default"), e.path("Source").asText(),
                    e.path("DetailType").asText(), e.path("Detail").asText(), e.path("Time").asText(null), resources);
            accepted.add(entry);
            listener.accept(entry);
            results.addObject().put("EventId", id);
        }
        reply.put("FailedEntryCount", failed);
        return json(200, reply);
    }

    private static ResponseDefinition json(int status, JsonNode body) {
        try {
            return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
                    .withHeader("Content-Type", JSON_11).withBody(JSON.writeValueAsBytes(body)).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every entry accepted so far, in arrival order. */
    public List<Entry> accepted() {
        return List.copyOf(accepted);
    }

    public void clear() {
        accepted.clear();
        failures.clear();
    }

    public void clearFailures() {
        failures.clear();
    }

    /** The next PutEvents calls fail, one per element, in order. */
    public void failNext(Failure... next) {
        failures.addAll(List.of(next));
    }

    /** Called for each accepted entry (the local stack routes entries to functions this way). */
    public void onEntry(Consumer<Entry> listener) {
        this.listener = listener;
    }
}
