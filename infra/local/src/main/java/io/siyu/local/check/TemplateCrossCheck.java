package io.siyu.local.check;

import static io.siyu.emulators.template.SamTemplate.asList;
import static io.siyu.emulators.template.SamTemplate.asMap;

import io.siyu.emulators.lambda.FunctionInitException;
import io.siyu.emulators.lambda.FunctionLoadException;
import io.siyu.emulators.lambda.LambdaFunction;
import io.siyu.emulators.template.FunctionDefinition;
import io.siyu.emulators.template.Intrinsics;
import io.siyu.emulators.template.Resource;
import io.siyu.emulators.template.SamTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What no linter can check (issue 2, "Template checks"): that template.yaml and the code agree.
 * For every function of the template:
 * <ol>
 *   <li>its CodeUri jar holds the Handler class, and it is a RequestHandler or RequestStreamHandler;</li>
 *   <li>the handler builds (public no-argument constructor) with the template's environment and
 *       nothing else, so every variable the code requires is set by the template;</li>
 *   <li>every variable the template sets is read by the code (except POWERTOOLS_* and
 *       JAVA_TOOL_OPTIONS, which libraries and the JVM read);</li>
 *   <li>every table, queue, bus or SSM parameter a read variable refers to is named by one of the
 *       function's policies (SAM policy templates or Statement Resources).</li>
 * </ol>
 * Which names the code asks for is recorded through the function's own io.siyu.lambda.Env (every
 * function reads its configuration there, once, at init). A variable counts as naming an SSM
 * parameter when its name ends in {@code _PARAM} (io.siyu.lambda.Secret's convention).
 */
public final class TemplateCrossCheck {

    /** One disagreement between the template and the code. */
    public record Problem(String function, String message) {
        @Override
        public String toString() {
            return function + ": " + message;
        }
    }

    private static final Pattern MISSING = Pattern.compile("missing environment variable (\\S+)");
    private static final Set<String> RESOURCE_TYPES = Set.of("AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::Events::EventBus");

    private final SamTemplate template;
    private final Path repoRoot;
    private final OfflineNames names;
    /** A parameter that names a resource (a bus Name: !Ref EventBusName) stands for that resource. */
    private final Map<String, String> parameterToResource = new LinkedHashMap<>();

    public TemplateCrossCheck(SamTemplate template, Path repoRoot) {
        this.template = template;
        this.repoRoot = repoRoot;
        this.names = new OfflineNames(template);
        for (Resource r : template.resources()) {
            if (RESOURCE_TYPES.contains(r.type())) {
                for (String nameProperty : List.of("TableName", "QueueName", "Name")) {
                    String id = Intrinsics.referencedId(r.property(nameProperty));
                    if (id != null && template.parameterDefaults().containsKey(id)) {
                        parameterToResource.put(id, r.logicalId());
                    }
                }
            }
        }
    }

    /** Every problem, function by function, in template order; empty when template and code agree. */
    public List<Problem> problems() {
        List<Problem> all = new ArrayList<>();
        for (FunctionDefinition f : template.functions()) {
            all.addAll(check(f));
        }
        return all;
    }

    /** The problems of one function. */
    public List<Problem> problemsOf(String functionLogicalId) {
        return check(template.function(functionLogicalId));
    }

    private List<Problem> check(FunctionDefinition f) {
        List<Problem> problems = new ArrayList<>();
        Map<String, String> environment = new LinkedHashMap<>();
        f.environment().forEach((k, v) -> environment.put(k, Intrinsics.resolve(v, names)));
        Set<String> read = ConcurrentHashMap.newKeySet();
        boolean built = false;
        LambdaFunction fn;
        try {
            fn = LambdaFunction.load(f, repoRoot.resolve(f.codeUri()));
        } catch (FunctionLoadException e) {
            problems.add(new Problem(f.logicalId(), e.getMessage().substring(f.logicalId().length() + 2)));
            return problems;
        }
        try (fn) {
            fn.configure(name -> {
                read.add(name);
                return environment.get(name);
            });
            fn.initialise();
            built = true;
        } catch (FunctionInitException e) {
            Matcher m = MISSING.matcher(String.valueOf(e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
            problems.add(new Problem(f.logicalId(), m.find()
                    ? "the code requires environment variable " + m.group(1) + ", which the template does not set"
                    : "the handler does not build with the template's environment: " + e.getMessage().substring(f.logicalId().length() + 2)));
        } catch (FunctionLoadException e) {
            problems.add(new Problem(f.logicalId(), e.getMessage().substring(f.logicalId().length() + 2)));
        }
        if (built) {
            for (String variable : environment.keySet()) {
                if (!read.contains(variable) && !variable.startsWith("POWERTOOLS_") && !variable.equals("JAVA_TOOL_OPTIONS")) {
                    problems.add(new Problem(f.logicalId(), "the template sets " + variable + ", which the code never reads"));
                }
            }
        }
        Set<String> granted = grantedIds(f);
        for (String variable : environment.keySet()) {
            if (!read.contains(variable)) {
                continue;
            }
            for (String id : Intrinsics.referencedIds(f.environment().get(variable))) {
                String resource = parameterToResource.getOrDefault(id, id);
                boolean needsPolicy = template.hasResource(resource)
                        ? RESOURCE_TYPES.contains(template.resource(resource).type())
                        : variable.endsWith("_PARAM") && template.parameterDefaults().containsKey(id);
                if (needsPolicy && !granted.contains(resource) && !granted.contains(id)) {
                    problems.add(new Problem(f.logicalId(), variable + " refers to " + resource
                            + ", which none of the function's policies names"));
                }
            }
        }
        return problems;
    }

    /** The logical ids (resources and parameters) the function's policies name, parameters mapped to their resource. */
    private Set<String> grantedIds(FunctionDefinition f) {
        Set<String> ids = new LinkedHashSet<>();
        for (Object policy : f.policies()) {
            Map<String, Object> p = asMap(policy);
            if (p.containsKey("Statement")) {
                for (Object statement : asList(p.get("Statement"))) {
                    Object resources = asMap(statement).get("Resource");
                    for (Object r : resources instanceof List<?> ? asList(resources) : java.util.Collections.singletonList(resources)) {
                        ids.addAll(Intrinsics.referencedIds(r));
                    }
                }
            } else {
                // A SAM policy template: {DynamoDBCrudPolicy: {TableName: !Ref X}}, {SQSSendMessagePolicy: {QueueName: ...}}, ...
                p.values().forEach(arguments -> asMap(arguments).values().forEach(v -> ids.addAll(Intrinsics.referencedIds(v))));
            }
        }
        Set<String> mapped = new LinkedHashSet<>(ids);
        ids.forEach(id -> {
            if (parameterToResource.containsKey(id)) {
                mapped.add(parameterToResource.get(id));
            }
        });
        return mapped;
    }

    /**
     * Ref and GetAtt answered without any stack: what the functions are given to build with. A
     * table's Ref is its name, a queue's its URL, a bus's its name, a parameter's its default (or
     * a placeholder), an attribute a well-formed ARN or name.
     */
    static final class OfflineNames implements Intrinsics.Names {
        private final SamTemplate template;

        OfflineNames(SamTemplate template) {
            this.template = template;
        }

        @Override
        public String ref(String id) {
            switch (id) {
                case "AWS::Region":
                    return "us-east-1";
                case "AWS::AccountId":
                    return "000000000000";
                case "AWS::StackName":
                    return "siyu-check";
                case "AWS::Partition":
                    return "aws";
                case "AWS::URLSuffix":
                    return "amazonaws.com";
                default:
                    break;
            }
            Map<String, Object> parameters = template.parameterDefaults();
            if (parameters.containsKey(id)) {
                Object dflt = parameters.get(id);
                return dflt != null ? String.valueOf(dflt) : "check-" + id;
            }
            if (!template.hasResource(id)) {
                throw new IllegalArgumentException("Ref to unknown parameter or resource: " + id);
            }
            Resource r = template.resource(id);
            return switch (r.type()) {
                case "AWS::SQS::Queue" -> "https://sqs.us-east-1.amazonaws.com/000000000000/" + name(r, "QueueName");
                case "AWS::DynamoDB::Table" -> name(r, "TableName");
                case "AWS::Events::EventBus" -> name(r, "Name");
                default -> id;
            };
        }

        @Override
        public String getAtt(String id, String attribute) {
            Resource r = template.resource(id);
            return switch (r.type() + "." + attribute) {
                case "AWS::SQS::Queue.QueueName" -> name(r, "QueueName");
                case "AWS::SQS::Queue.QueueUrl" -> ref(id);
                case "AWS::SQS::Queue.Arn" -> "arn:aws:sqs:us-east-1:000000000000:" + name(r, "QueueName");
                case "AWS::DynamoDB::Table.Arn" -> "arn:aws:dynamodb:us-east-1:000000000000:table/" + name(r, "TableName");
                case "AWS::DynamoDB::Table.StreamArn" ->
                        "arn:aws:dynamodb:us-east-1:000000000000:table/" + name(r, "TableName") + "/stream/2026-01-01T00:00:00.000";
                case "AWS::Events::EventBus.Arn" -> "arn:aws:events:us-east-1:000000000000:event-bus/" + name(r, "Name");
                case "AWS::Events::EventBus.Name" -> name(r, "Name");
                default -> id + "." + attribute;
            };
        }

        private String name(Resource r, String property) {
            Object explicit = r.property(property);
            return explicit != null ? Intrinsics.resolve(explicit, this) : r.logicalId();
        }
    }
}
