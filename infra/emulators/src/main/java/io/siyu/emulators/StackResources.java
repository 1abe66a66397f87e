package io.siyu.emulators;

import static io.siyu.emulators.template.SamTemplate.asList;
import static io.siyu.emulators.template.SamTemplate.asMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.emulators.template.Intrinsics;
import io.siyu.emulators.template.Resource;
import io.siyu.emulators.template.SamTemplate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Creates the template's tables, queues and event bus in an emulator, exactly as the template
 * declares them (keys, indexes, streams, TTL, visibility timeouts, redrive policies), and answers
 * Ref / GetAtt for them the way CloudFormation would: a table's Ref is its name, a queue's Ref is
 * its URL, a bus's Ref is its name.
 */
public final class StackResources implements Intrinsics.Names {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SamTemplate template;
    private final DynamoDbClient dynamoDb;
    private final SqsClient sqs;
    private final EventBridgeClient eventBridge;
    private final Map<String, String> parameters;
    private final Map<String, String> refs = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, String> attributes = new java.util.concurrent.ConcurrentHashMap<>();
    private final String region;

    /**
     * @param eventBridge null when the bus is a stub that needs no creating
     * @param parameterValues template parameters without a default, or overriding one
     */
    public StackResources(SamTemplate template, AwsEndpoints endpoints, DynamoDbClient dynamoDb, SqsClient sqs,
                          EventBridgeClient eventBridge, Map<String, String> parameterValues) {
        this.template = template;
        this.dynamoDb = dynamoDb;
        this.sqs = sqs;
        this.eventBridge = eventBridge;
        this.region = endpoints.region();
        Map<String, String> params = new LinkedHashMap<>();
        template.parameterDefaults().forEach((k, v) -> {
            if (v != null) {
                params.put(k, String.valueOf(v));
            }
        });
        params.putAll(parameterValues);
        this.parameters = params;
    }

    /** Creates every table, queue and bus of the template. */
    public StackResources create() {
        createTables();
        createQueues(template.resourcesOfType("AWS::SQS::Queue"));
        for (Resource bus : template.resourcesOfType("AWS::Events::EventBus")) {
            String name = Intrinsics.resolve(bus.property("Name"), this);
            if (eventBridge != null) {
                eventBridge.createEventBus(b -> b.name(name));
            }
            refs.put(bus.logicalId(), name);
            attributes.put(bus.logicalId() + ".Arn", "arn:aws:events:" + region + ":000000000000:event-bus/" + name);
            attributes.put(bus.logicalId() + ".Name", name);
        }
        return this;
    }

    /** Empties every table (by recreating it) and purges every queue: a clean slate for a test. */
    public void reset() {
        template.resourcesOfType("AWS::DynamoDB::Table").parallelStream().forEach(table -> {
            try {
                dynamoDb.deleteTable(b -> b.tableName(tableName(table.logicalId())));
            } catch (ResourceNotFoundException alreadyGone) {
                // nothing to empty
            }
        });
        createTables();
        for (Resource queue : template.resourcesOfType("AWS::SQS::Queue")) {
            sqs.purgeQueue(b -> b.queueUrl(queueUrl(queue.logicalId())));
        }
    }

    public String tableName(String logicalId) {
        return require(refs.get(logicalId), logicalId);
    }

    public String streamArn(String logicalId) {
        return require(attributes.get(logicalId + ".StreamArn"), logicalId + ".StreamArn");
    }

    public String queueUrl(String logicalId) {
        return require(refs.get(logicalId), logicalId);
    }

    public String queueArn(String logicalId) {
        return require(attributes.get(logicalId + ".Arn"), logicalId + ".Arn");
    }

    public SamTemplate template() {
        return template;
    }

    /**
     * The logical id of the table, queue or bus a resolved value (name, URL or ARN, as a Ref or
     * GetAtt gives it) belongs to, or null: lets event sources and destinations written as
     * {@code !GetAtt X.Arn} be traced back to the template resource.
     */
    public String logicalIdOf(String physical) {
        for (Map.Entry<String, String> e : refs.entrySet()) {
            if (e.getValue().equals(physical)) {
                return e.getKey();
            }
        }
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            if (e.getValue().equals(physical)) {
                return e.getKey().substring(0, e.getKey().indexOf('.'));
            }
        }
        return null;
    }

    /** The function's environment variables, every reference resolved against this stack. */
    public Map<String, String> environmentOf(String functionLogicalId) {
        Map<String, String> env = new LinkedHashMap<>();
        template.function(functionLogicalId).environment().forEach((k, v) -> env.put(k, Intrinsics.resolve(v, this)));
        return env;
    }

    @Override
    public String ref(String id) {
        if (parameters.containsKey(id)) {
            return parameters.get(id);
        }
        return switch (id) {
            case "AWS::Region" -> region;
            case "AWS::AccountId" -> "000000000000";
            case "AWS::StackName" -> "siyu-local";
            case "AWS::Partition" -> "aws";
            case "AWS::URLSuffix" -> "amazonaws.com";
            default -> {
                if (refs.containsKey(id)) {
                    yield refs.get(id);
                }
                if (template.hasResource(id)) {
                    yield id; // functions, APIs: their logical id stands in for the physical name locally
                }
                throw new IllegalArgumentException("Ref to unknown parameter or resource: " + id);
            }
        };
    }

    @Override
    public String getAtt(String logicalId, String attribute) {
        return require(attributes.get(logicalId + "." + attribute), logicalId + "." + attribute);
    }

    /** Tables are independent of each other: create them side by side. */
    private void createTables() {
        template.resourcesOfType("AWS::DynamoDB::Table").parallelStream().forEach(this::createTable);
    }

    private void createTable(Resource table) {
        Map<String, Object> p = table.properties();
        String name = p.containsKey("TableName") ? Intrinsics.resolve(p.get("TableName"), this) : table.logicalId();
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(name)
                .attributeDefinitions(asList(p.get("AttributeDefinitions")).stream().map(a -> AttributeDefinition.builder()
                        .attributeName(str(a, "AttributeName")).attributeType(str(a, "AttributeType")).build()).toList())
                .keySchema(keySchema(p.get("KeySchema")));
        boolean onDemand = "PAY_PER_REQUEST".equals(p.get("BillingMode"));
        if (onDemand) {
            request.billingMode(BillingMode.PAY_PER_REQUEST);
        } else {
            request.provisionedThroughput(throughput(p.get("ProvisionedThroughput")));
        }
        List<GlobalSecondaryIndex> gsis = new ArrayList<>();
        for (Object g : asList(p.get("GlobalSecondaryIndexes"))) {
            GlobalSecondaryIndex.Builder gsi = GlobalSecondaryIndex.builder().indexName(str(g, "IndexName"))
                    .keySchema(keySchema(asMap(g).get("KeySchema"))).projection(projection(asMap(g).get("Projection")));
            if (!onDemand) {
                gsi.provisionedThroughput(throughput(asMap(g).get("ProvisionedThroughput")));
            }
            gsis.add(gsi.build());
        }
        if (!gsis.isEmpty()) {
            request.globalSecondaryIndexes(gsis);
        }
        List<LocalSecondaryIndex> lsis = asList(p.get("LocalSecondaryIndexes")).stream().map(l -> LocalSecondaryIndex.builder()
                .indexName(str(l, "IndexName")).keySchema(keySchema(asMap(l).get("KeySchema")))
                .projection(projection(asMap(l).get("Projection"))).build()).toList();
        if (!lsis.isEmpty()) {
            request.localSecondaryIndexes(lsis);
        }
        Map<String, Object> stream = asMap(p.get("StreamSpecification"));
        if (!stream.isEmpty()) {
            request.streamSpecification(StreamSpecification.builder().streamEnabled(true)
                    .streamViewType(str(stream, "StreamViewType")).build());
        }
        TableDescription created;
        boolean adopted = false;
        try {
            created = dynamoDb.createTable(request.build()).tableDescription();
        } catch (ResourceInUseException exists) {
            // A kept data folder (the local stack's --data): the table and its items are reused.
            created = dynamoDb.describeTable(b -> b.tableName(name)).table();
            adopted = true;
        }
        Map<String, Object> ttl = asMap(p.get("TimeToLiveSpecification"));
        if (!adopted && Boolean.TRUE.equals(ttl.get("Enabled"))) {
            dynamoDb.updateTimeToLive(b -> b.tableName(name)
                    .timeToLiveSpecification(t -> t.attributeName(str(ttl, "AttributeName")).enabled(true)));
        }
        refs.put(table.logicalId(), name);
        attributes.put(table.logicalId() + ".Arn", created.tableArn());
        if (created.latestStreamArn() != null) {
            attributes.put(table.logicalId() + ".StreamArn", created.latestStreamArn());
        }
    }

    /** Creates queues in dependency order: a dead-letter queue before the queues that redrive to it. */
    private void createQueues(List<Resource> queues) {
        List<Resource> pending = new ArrayList<>(queues);
        while (!pending.isEmpty()) {
            boolean progressed = false;
            for (Resource queue : List.copyOf(pending)) {
                Map<String, Object> redrive = asMap(queue.property("RedrivePolicy"));
                String dlq = redrive.isEmpty() ? null : Intrinsics.referencedId(redrive.get("deadLetterTargetArn"));
                if (dlq != null && !refs.containsKey(dlq)) {
                    continue;
                }
                createQueue(queue);
                pending.remove(queue);
                progressed = true;
            }
            if (!progressed) {
                throw new IllegalStateException("queues redrive to queues the template does not declare: " + pending);
            }
        }
    }

    private void createQueue(Resource queue) {
        Map<String, Object> p = queue.properties();
        String name = p.containsKey("QueueName") ? Intrinsics.resolve(p.get("QueueName"), this) : queue.logicalId();
        Map<QueueAttributeName, String> attrs = new HashMap<>();
        copy(p, "VisibilityTimeout", QueueAttributeName.VISIBILITY_TIMEOUT, attrs);
        copy(p, "MessageRetentionPeriod", QueueAttributeName.MESSAGE_RETENTION_PERIOD, attrs);
        copy(p, "DelaySeconds", QueueAttributeName.DELAY_SECONDS, attrs);
        copy(p, "ReceiveMessageWaitTimeSeconds", QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, attrs);
        copy(p, "MaximumMessageSize", QueueAttributeName.MAXIMUM_MESSAGE_SIZE, attrs);
        if (Boolean.TRUE.equals(p.get("FifoQueue"))) {
            attrs.put(QueueAttributeName.FIFO_QUEUE, "true");
        }
        Map<String, Object> redrive = asMap(p.get("RedrivePolicy"));
        if (!redrive.isEmpty()) {
            Map<String, Object> policy = new LinkedHashMap<>();
            policy.put("deadLetterTargetArn", Intrinsics.resolve(redrive.get("deadLetterTargetArn"), this));
            policy.put("maxReceiveCount", Integer.parseInt(Intrinsics.resolve(redrive.get("maxReceiveCount"), this)));
            try {
                attrs.put(QueueAttributeName.REDRIVE_POLICY, JSON.writeValueAsString(policy));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        String url = sqs.createQueue(b -> b.queueName(name).attributes(attrs)).queueUrl();
        String arn = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        refs.put(queue.logicalId(), url);
        attributes.put(queue.logicalId() + ".Arn", arn);
        attributes.put(queue.logicalId() + ".QueueName", name);
        attributes.put(queue.logicalId() + ".QueueUrl", url);
    }

    private void copy(Map<String, Object> p, String key, QueueAttributeName attr, Map<QueueAttributeName, String> out) {
        if (p.containsKey(key)) {
            out.put(attr, Intrinsics.resolve(p.get(key), this));
        }
    }

    private static List<KeySchemaElement> keySchema(Object o) {
        return asList(o).stream().map(k -> KeySchemaElement.builder()
                .attributeName(str(k, "AttributeName")).keyType(str(k, "KeyType")).build()).toList();
    }

    private static Projection projection(Object o) {
        Map<String, Object> p = asMap(o);
        Projection.Builder b = Projection.builder().projectionType(str(p, "ProjectionType"));
        List<String> nonKey = asList(p.get("NonKeyAttributes")).stream().map(String::valueOf).toList();
        if (!nonKey.isEmpty()) {
            b.nonKeyAttributes(nonKey);
        }
        return b.build();
    }

    private static ProvisionedThroughput throughput(Object o) {
        Map<String, Object> t = asMap(o);
        return ProvisionedThroughput.builder()
                .readCapacityUnits(Long.parseLong(String.valueOf(t.getOrDefault("ReadCapacityUnits", 5))))
                .writeCapacityUnits(Long.parseLong(String.valueOf(t.getOrDefault("WriteCapacityUnits", 5)))).build();
    }

    private static String str(Object map, String key) {
        Object v = asMap(map).get(key);
        if (v == null) {
            throw new IllegalArgumentException("template: missing " + key + " in " + map);
        }
        return String.valueOf(v);
    }

    private static String require(String value, String what) {
        if (value == null) {
            throw new IllegalArgumentException("the stack has no " + what);
        }
        return value;
    }
}
