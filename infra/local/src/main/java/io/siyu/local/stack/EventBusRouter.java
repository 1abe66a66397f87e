package io.siyu.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.siyu.emulators.EventBridgeStub;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.event.ruler.Machine;

/**
 * EventBridge's routing for the stack: every entry PutEvents accepts becomes the event EventBridge
 * would deliver, is matched with AWS Event Ruler (the matcher EventBridge uses) against the
 * EventBridgeRule patterns exactly as the template writes them, and is delivered to each matching
 * function as an asynchronous invocation. Every entry is also kept in an in-memory log, which the
 * control API serves ({@code GET /_local/events}).
 */
public final class EventBusRouter implements Consumer<EventBridgeStub.Entry> {

    private static final Logger LOG = LoggerFactory.getLogger(EventBusRouter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One rule: a function's EventBridgeRule event, with what it delivers. */
    public record Rule(String name, String busName, String pattern, AsyncTarget target, String input, String inputPath) {}

    /** An event the bus accepted, and the rules it matched. */
    public record LoggedEvent(long seq, String id, String bus, String source, String detailType, JsonNode detail,
                              String time, List<String> matchedRules) {}

    private final Map<String, Machine> machines = new HashMap<>();
    private final Map<String, Rule> rules = new HashMap<>();
    private final List<LoggedEvent> log = new CopyOnWriteArrayList<>();
    private final AtomicLong seq = new AtomicLong();
    private final String region;
    private final Clock clock;

    public EventBusRouter(List<Rule> rules, String region, Clock clock) {
        this.region = region;
        this.clock = clock;
        for (Rule rule : rules) {
            try {
                machines.computeIfAbsent(rule.busName(), b -> new Machine()).addRule(rule.name(), rule.pattern());
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("EventBridgeRule " + rule.name() + ": Event Ruler refuses its pattern "
                        + rule.pattern() + ": " + e.getMessage(), e);
            }
            this.rules.put(rule.name(), rule);
        }
    }

    public List<Rule> rules() {
        return List.copyOf(rules.values());
    }

    @Override
    public void accept(EventBridgeStub.Entry entry) {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", entry.eventId());
        event.put("detail-type", entry.detailType());
        event.put("source", entry.source());
        event.put("account", "000000000000");
        event.put("time", time(entry.time()));
        event.put("region", region);
        ArrayNode resources = event.putArray("resources");
        entry.resources().forEach(resources::add);
        JsonNode detail;
        try {
            detail = JSON.readTree(entry.detail() == null || entry.detail().isEmpty() ? "{}" : entry.detail());
        } catch (IOException e) {
            // EventBridge refuses such an entry; the stub accepted it, so say why nothing matched.
            LOG.warn("event {} has a Detail that is not JSON; EventBridge would refuse it", entry.eventId());
            detail = JSON.createObjectNode();
        }
        event.set("detail", detail);
        String json = event.toString();
        List<String> matched = new ArrayList<>();
        Machine machine = machines.get(entry.eventBusName());
        if (machine != null) {
            try {
                matched.addAll(machine.rulesForJSONEvent(json));
            } catch (Exception e) {
                LOG.error("Event Ruler could not read event {}", entry.eventId(), e);
            }
        }
        synchronized (log) { // sequence numbers in list order, so a reader paging by seq misses nothing
            log.add(new LoggedEvent(seq.incrementAndGet(), entry.eventId(), entry.eventBusName(), entry.source(),
                    entry.detailType(), detail, event.get("time").asText(), List.copyOf(matched)));
        }
        for (String name : matched) {
            Rule rule = rules.get(name);
            rule.target().invokeAsync(payload(rule, event), "rule " + name);
        }
        if (matched.isEmpty()) {
            LOG.debug("{} {} on bus {}: no rule matched", entry.source(), entry.detailType(), entry.eventBusName());
        } else {
            LOG.info("{} {} -> {}", entry.source(), entry.detailType(), matched);
        }
    }

    /** What a rule's target receives: the event, or its Input (constant JSON), or the part InputPath selects. */
    static String payload(Rule rule, JsonNode event) {
        if (rule.input() != null) {
            return rule.input();
        }
        if (rule.inputPath() != null) {
            JsonNode node = event;
            for (String part : rule.inputPath().replaceFirst("^\\$\\.?", "").split("\\.")) {
                if (!part.isEmpty()) {
                    node = node.path(part);
                }
            }
            return node.isMissingNode() ? "null" : node.toString();
        }
        return event.toString();
    }

    /** The entries accepted after {@code seq}, in order. */
    public List<LoggedEvent> events(long afterSeq) {
        synchronized (log) {
            return log.stream().filter(e -> e.seq() > afterSeq).toList();
        }
    }

    /** EventBridge's event time: the entry's Time (PutEvents sends epoch seconds), else now; whole seconds, UTC. */
    private String time(String entryTime) {
        Instant t = clock.instant();
        if (entryTime != null && !entryTime.isBlank()) {
            try {
                t = Instant.ofEpochMilli(new BigDecimal(entryTime).movePointRight(3).longValue());
            } catch (NumberFormatException notNumeric) {
                try {
                    t = Instant.parse(entryTime);
                } catch (DateTimeParseException ignored) {
                    // keep now
                }
            }
        }
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
