package io.siyu.emulators.template;

import static io.siyu.emulators.template.SamTemplate.asList;
import static io.siyu.emulators.template.SamTemplate.asMap;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A serverless function as SAM deploys it: its own properties over the template's Globals
 * (environment variables are merged key by key, as SAM does).
 */
public record FunctionDefinition(
        String logicalId,
        String codeUri,
        String handler,
        int timeoutSeconds,
        int memoryMb,
        Map<String, Object> environment,
        List<Object> policies,
        Map<String, EventSource> events) {

    /** One entry under a function's Events. */
    public record EventSource(String name, String type, Map<String, Object> properties) {
        public Object property(String key) {
            return properties.get(key);
        }
    }

    static FunctionDefinition of(Resource resource, Map<String, Object> globals) {
        Map<String, Object> p = resource.properties();
        Map<String, Object> env = new LinkedHashMap<>(variables(globals));
        env.putAll(variables(p));
        Map<String, EventSource> events = new LinkedHashMap<>();
        asMap(p.get("Events")).forEach((name, body) -> {
            Map<String, Object> e = asMap(body);
            events.put(name, new EventSource(name, String.valueOf(e.get("Type")), asMap(e.get("Properties"))));
        });
        return new FunctionDefinition(
                resource.logicalId(),
                String.valueOf(p.get("CodeUri")),
                String.valueOf(p.get("Handler")),
                intOf(p.getOrDefault("Timeout", globals.getOrDefault("Timeout", 3))),
                intOf(p.getOrDefault("MemorySize", globals.getOrDefault("MemorySize", 128))),
                env,
                asList(p.get("Policies")),
                events);
    }

    public String handlerClass() {
        int sep = handler.indexOf("::");
        return sep < 0 ? handler : handler.substring(0, sep);
    }

    public List<EventSource> eventsOfType(String type) {
        return events.values().stream().filter(e -> e.type().equals(type)).toList();
    }

    private static Map<String, Object> variables(Map<String, Object> props) {
        return asMap(asMap(props.get("Environment")).get("Variables"));
    }

    private static int intOf(Object o) {
        return o instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(o));
    }
}
