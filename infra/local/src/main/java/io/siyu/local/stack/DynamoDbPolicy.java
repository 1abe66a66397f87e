package io.siyu.local.stack;

import static io.siyu.emulators.template.SamTemplate.asList;
import static io.siyu.emulators.template.SamTemplate.asMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.emulators.HttpFront;
import io.siyu.emulators.template.FunctionDefinition;
import io.siyu.emulators.template.Intrinsics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one function's policies in template.yaml let it do in DynamoDB, enforced in front of the
 * local stack's DynamoDB as IAM enforces it in AWS: a call the policies do not allow is answered
 * with DynamoDB's AccessDeniedException and never reaches the table. Without this, a missing grant
 * (a DeleteItem under a DynamoDBWritePolicy, a BatchGetItem under a statement that lists GetItem)
 * passes every local test and fails only when deployed.
 *
 * <p>Actions are checked per table or per index as IAM checks them: the batch operations on each
 * table they name, each item of a transaction as its own action (Put as PutItem, Update as
 * UpdateItem, Delete as DeleteItem, ConditionCheck as ConditionCheckItem, Get as GetItem), and a
 * Query or Scan with an IndexName against the index's ARN. SAM policy templates are expanded from
 * samtranslator/policy_templates_data/policy_templates.json.
 */
final class DynamoDbPolicy implements HttpFront.Gate {

    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbPolicy.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TARGET_PREFIX = "DynamoDB_20120810.";

    /** The DynamoDB actions of the SAM policy templates; each covers the table and {@code table/index/*}. */
    static final Map<String, Set<String>> SAM_TEMPLATES = Map.of(
            "DynamoDBCrudPolicy", Set.of("GetItem", "DeleteItem", "PutItem", "Scan", "Query", "UpdateItem", "BatchWriteItem",
                    "BatchGetItem", "DescribeTable", "ConditionCheckItem"),
            "DynamoDBReadPolicy", Set.of("GetItem", "Scan", "Query", "BatchGetItem", "DescribeTable"),
            "DynamoDBWritePolicy", Set.of("PutItem", "UpdateItem", "BatchWriteItem"));

    /** One allowed action on a table (index false) or on its indexes (index true). */
    record Grant(String table, boolean index, Pattern action) {}

    /** One action a request needs. */
    record Need(String action, String table, String index) {}

    private final String function;
    private final List<Grant> grants;
    private final Function<String, String> tableId;
    private final String arnPrefix;
    private final List<String> denied = new CopyOnWriteArrayList<>();

    /**
     * @param tableId a physical table name to its logical id in the template (null if none)
     * @param arnPrefix {@code arn:aws:dynamodb:<region>:<account>:table/}, for the messages
     */
    DynamoDbPolicy(FunctionDefinition f, Function<String, String> tableId, String arnPrefix) {
        this.function = f.logicalId();
        this.grants = grants(f);
        this.tableId = tableId;
        this.arnPrefix = arnPrefix;
    }

    /** The grants a function's Policies give in DynamoDB: SAM templates and Allow statements. */
    static List<Grant> grants(FunctionDefinition f) {
        List<Grant> grants = new ArrayList<>();
        for (Object policy : f.policies()) {
            if (!(policy instanceof Map<?, ?>)) {
                continue; // a managed policy name or ARN: Siyu's template uses none
            }
            Map<String, Object> p = asMap(policy);
            if (p.containsKey("Statement")) {
                for (Object s : asList(p.get("Statement"))) {
                    Map<String, Object> statement = asMap(s);
                    if (!"Allow".equals(statement.get("Effect"))) {
                        continue;
                    }
                    for (String action : strings(statement.get("Action"))) {
                        if (!action.startsWith("dynamodb:")) {
                            continue;
                        }
                        Pattern pattern = Pattern.compile(action.substring("dynamodb:".length()).replace("*", ".*"));
                        for (Object resource : values(statement.get("Resource"))) {
                            boolean index = String.valueOf(resource).contains("/index/");
                            for (String table : Intrinsics.referencedIds(resource)) {
                                grants.add(new Grant(table, index, pattern));
                            }
                        }
                    }
                }
            } else {
                p.forEach((template, arguments) -> {
                    Set<String> actions = SAM_TEMPLATES.get(template);
                    if (actions == null) {
                        return;
                    }
                    String table = Intrinsics.referencedId(asMap(arguments).get("TableName"));
                    for (String action : actions) {
                        grants.add(new Grant(table, false, Pattern.compile(action)));
                        grants.add(new Grant(table, true, Pattern.compile(action)));
                    }
                });
            }
        }
        return grants;
    }

    @Override
    public HttpFront.Answer answer(HttpFront.Request request) {
        if (request.amzTarget() == null || !request.amzTarget().startsWith(TARGET_PREFIX)) {
            return null; // not a DynamoDB call (the SDK sends nothing else here)
        }
        String operation = request.amzTarget().substring(TARGET_PREFIX.length());
        List<Need> needs;
        try {
            needs = needs(operation, JSON.readTree(request.body()));
        } catch (IOException malformed) {
            return null; // DynamoDB answers a malformed body itself
        }
        for (Need need : needs) {
            if (!allowed(need)) {
                String resource = arnPrefix + need.table() + (need.index() == null ? "" : "/index/" + need.index());
                String message = "User: arn:aws:sts::000000000000:assumed-role/" + function + "Role/" + function
                        + " is not authorized to perform: dynamodb:" + need.action() + " on resource: " + resource
                        + " because no identity-based policy allows the dynamodb:" + need.action() + " action";
                denied.add("dynamodb:" + need.action() + " on " + resource + " (" + operation + ")");
                LOG.error("{}: IAM would refuse dynamodb:{} on {} ({}): add it to the function's Policies in template.yaml",
                        function, need.action(), resource, operation);
                return new HttpFront.Answer(400, "application/x-amz-json-1.0",
                        JSON.createObjectNode().put("__type", "com.amazon.coral.service#AccessDeniedException")
                                .put("Message", message).toString());
            }
        }
        return null;
    }

    private boolean allowed(Need need) {
        String id = tableId.apply(need.table());
        if (id == null) {
            return false; // not a table of the template: no policy of the template names it
        }
        for (Grant g : grants) {
            if (g.table().equals(id) && g.index() == (need.index() != null) && g.action().matcher(need.action()).matches()) {
                return true;
            }
        }
        return false;
    }

    /** The actions one request needs, one per table (and index) and item kind. */
    static List<Need> needs(String operation, JsonNode body) {
        List<Need> needs = new ArrayList<>();
        switch (operation) {
            case "BatchGetItem", "BatchWriteItem" -> body.path("RequestItems").fieldNames()
                    .forEachRemaining(table -> needs.add(new Need(operation, table, null)));
            case "TransactWriteItems", "TransactGetItems" -> {
                for (JsonNode item : body.path("TransactItems")) {
                    Iterator<Map.Entry<String, JsonNode>> kinds = item.fields();
                    while (kinds.hasNext()) {
                        Map.Entry<String, JsonNode> kind = kinds.next();
                        String action = switch (kind.getKey()) {
                            case "Put" -> "PutItem";
                            case "Update" -> "UpdateItem";
                            case "Delete" -> "DeleteItem";
                            case "ConditionCheck" -> "ConditionCheckItem";
                            case "Get" -> "GetItem";
                            default -> kind.getKey();
                        };
                        needs.add(new Need(action, kind.getValue().path("TableName").asText(), null));
                    }
                }
            }
            default -> {
                String index = body.hasNonNull("IndexName") ? body.get("IndexName").asText() : null;
                needs.add(new Need(operation, body.path("TableName").asText(""), index));
            }
        }
        return new ArrayList<>(new LinkedHashSet<>(needs));
    }

    /** The calls refused so far, in order: what the template must grant. */
    List<String> denied() {
        return Collections.unmodifiableList(denied);
    }

    private static List<String> strings(Object value) {
        return values(value).stream().map(String::valueOf).toList();
    }

    private static List<Object> values(Object value) {
        return value instanceof List<?> ? asList(value) : value == null ? List.of() : List.of(value);
    }
}
