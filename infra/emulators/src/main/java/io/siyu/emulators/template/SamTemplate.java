package io.siyu.emulators.template;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A read-only model of the SAM template. It keeps CloudFormation's short-form intrinsics
 * ({@code !Ref}, {@code !GetAtt}, {@code !Sub}, ...) as their long form ({@code {"Ref": "X"}},
 * {@code {"Fn::GetAtt": ["X", "Arn"]}}), so a resolver can tell a reference from a literal.
 * The test harness, the template cross-reference test and the local stack all read template.yaml
 * through this class: there is no second copy of any table, queue, route or rule.
 */
public final class SamTemplate {

    private static final List<String> SHORT_FORMS = List.of(
            "Sub", "Join", "If", "Equals", "Not", "And", "Or", "Select", "Split", "FindInMap",
            "Base64", "ImportValue", "GetAZs", "Cidr", "Condition", "ToJsonString", "Length");

    private final Map<String, Object> root;

    private SamTemplate(Map<String, Object> root) {
        this.root = root;
    }

    public static SamTemplate load(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read template " + file, e);
        }
    }

    @SuppressWarnings("unchecked")
    public static SamTemplate parse(String yaml) {
        Object loaded = new Yaml(new CloudFormationConstructor()).load(yaml);
        if (!(loaded instanceof Map)) {
            throw new IllegalArgumentException("template is not a YAML mapping");
        }
        return new SamTemplate((Map<String, Object>) loaded);
    }

    public Map<String, Object> raw() {
        return Collections.unmodifiableMap(root);
    }

    /** Resources in the order the template declares them. */
    public List<Resource> resources() {
        List<Resource> out = new ArrayList<>();
        section("Resources").forEach((id, body) -> {
            Map<String, Object> resource = asMap(body);
            out.add(new Resource(id, String.valueOf(resource.get("Type")), asMap(resource.get("Properties"))));
        });
        return out;
    }

    public List<Resource> resourcesOfType(String type) {
        return resources().stream().filter(r -> r.type().equals(type)).toList();
    }

    public Resource resource(String logicalId) {
        return resources().stream().filter(r -> r.logicalId().equals(logicalId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no resource " + logicalId + " in template"));
    }

    public boolean hasResource(String logicalId) {
        return section("Resources").containsKey(logicalId);
    }

    /** Parameters with their declared Default (null when none). */
    public Map<String, Object> parameterDefaults() {
        Map<String, Object> out = new LinkedHashMap<>();
        section("Parameters").forEach((name, body) -> out.put(name, asMap(body).get("Default")));
        return out;
    }

    /** Every AWS::Serverless::Function with the template's Globals merged in, as SAM does. */
    public List<FunctionDefinition> functions() {
        Map<String, Object> globals = asMap(asMap(section("Globals")).get("Function"));
        List<FunctionDefinition> out = new ArrayList<>();
        for (Resource r : resourcesOfType("AWS::Serverless::Function")) {
            out.add(FunctionDefinition.of(r, globals));
        }
        return out;
    }

    public FunctionDefinition function(String logicalId) {
        return functions().stream().filter(f -> f.logicalId().equals(logicalId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no function " + logicalId + " in template"));
    }

    private Map<String, Object> section(String name) {
        return asMap(root.get(name));
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> asMap(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : Map.of();
    }

    @SuppressWarnings("unchecked")
    public static List<Object> asList(Object o) {
        return o instanceof List ? (List<Object>) o : List.of();
    }

    /** Maps CloudFormation's YAML tags to the long form of each intrinsic function. */
    private static final class CloudFormationConstructor extends SafeConstructor {
        CloudFormationConstructor() {
            super(new LoaderOptions());
            yamlConstructors.put(new Tag("!Ref"), new Intrinsic("Ref"));
            yamlConstructors.put(new Tag("!GetAtt"), new Intrinsic("Fn::GetAtt"));
            for (String f : SHORT_FORMS) {
                yamlConstructors.put(new Tag("!" + f), new Intrinsic("Fn::" + f));
            }
        }

        private final class Intrinsic extends AbstractConstruct {
            private final String key;

            Intrinsic(String key) {
                this.key = key;
            }

            @Override
            public Object construct(Node node) {
                Object value;
                if (node instanceof ScalarNode scalar) {
                    String text = scalar.getValue();
                    value = key.equals("Fn::GetAtt") ? List.of(text.split("\\.", 2)) : text;
                } else if (node instanceof SequenceNode seq) {
                    value = constructSequence(seq);
                } else {
                    value = constructMapping((MappingNode) node);
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put(key, value);
                return out;
            }
        }
    }
}
