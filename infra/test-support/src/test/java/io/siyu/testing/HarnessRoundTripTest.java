package io.siyu.testing;

import static io.siyu.emulators.template.SamTemplate.asMap;
import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.emulators.template.Intrinsics;
import io.siyu.emulators.template.Resource;
import io.siyu.emulators.template.SamTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Proves the harness builds the stack from template.yaml itself: every table with the declared
 * keys, indexes and stream; every queue with its redrive policy; and that data round-trips
 * through them (a stream record per write, a message per send, a poison message in its DLQ).
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class HarnessRoundTripTest {

    private final SamTemplate template = SamTemplate.load(RepositoryFiles.template());

    @BeforeEach
    void clean(AwsEmulators aws) {
        aws.reset();
    }

    @Test
    void everyTableHasTheKeysAndIndexesTheTemplateDeclares(AwsEmulators aws) {
        List<Resource> tables = template.resourcesOfType("AWS::DynamoDB::Table");
        assertThat(tables).isNotEmpty();
        for (Resource table : tables) {
            TableDescription d = aws.dynamoDb().describeTable(b -> b.tableName(aws.stack().tableName(table.logicalId()))).table();
            List<String> declaredKeys = SamTemplate.asList(table.property("KeySchema")).stream()
                    .map(k -> asMap(k).get("AttributeName") + "/" + asMap(k).get("KeyType")).toList();
            assertThat(d.keySchema()).extracting(k -> k.attributeName() + "/" + k.keyTypeAsString())
                    .as(table.logicalId()).containsExactlyElementsOf(declaredKeys);
            List<String> declaredIndexes = SamTemplate.asList(table.property("GlobalSecondaryIndexes")).stream()
                    .map(i -> String.valueOf(asMap(i).get("IndexName"))).toList();
            assertThat(d.globalSecondaryIndexes() == null ? List.<String>of()
                    : d.globalSecondaryIndexes().stream().map(i -> i.indexName()).toList())
                    .as(table.logicalId()).containsExactlyInAnyOrderElementsOf(declaredIndexes);
        }
    }

    @Test
    void aWriteToEveryStreamedTableArrivesOnItsStream(AwsEmulators aws) {
        List<Resource> streamed = template.resourcesOfType("AWS::DynamoDB::Table").stream()
                .filter(t -> t.property("StreamSpecification") != null).toList();
        assertThat(streamed).as("tables with a stream").isNotEmpty();
        for (Resource table : streamed) {
            String name = aws.stack().tableName(table.logicalId());
            Map<String, AttributeValue> item = keyOf(aws.dynamoDb().describeTable(b -> b.tableName(name)).table(), "round-trip");
            aws.dynamoDb().putItem(b -> b.tableName(name).item(item));

            List<Record> records = readStream(aws, aws.stack().streamArn(table.logicalId()));
            assertThat(records).as(table.logicalId()).anySatisfy(r -> {
                assertThat(r.eventNameAsString()).isEqualTo("INSERT");
                assertThat(r.dynamodb().newImage()).containsAllEntriesOf(item);
            });
        }
    }

    @Test
    void aMessageSentToEveryQueueIsReceivedOnce(AwsEmulators aws) {
        List<Resource> queues = template.resourcesOfType("AWS::SQS::Queue");
        assertThat(queues).isNotEmpty();
        for (Resource queue : queues) {
            String url = aws.stack().queueUrl(queue.logicalId());
            aws.sqs().sendMessage(b -> b.queueUrl(url).messageBody("hello " + queue.logicalId()));
            List<Message> got = aws.sqs().receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            assertThat(got).as(queue.logicalId()).singleElement()
                    .satisfies(m -> assertThat(m.body()).isEqualTo("hello " + queue.logicalId()));
            aws.sqs().deleteMessage(b -> b.queueUrl(url).receiptHandle(got.get(0).receiptHandle()));
        }
    }

    @Test
    void aMessageReceivedMaxReceiveCountTimesMovesToItsDeadLetterQueue(AwsEmulators aws) {
        for (Resource queue : template.resourcesOfType("AWS::SQS::Queue")) {
            Map<String, Object> redrive = asMap(queue.property("RedrivePolicy"));
            if (redrive.isEmpty()) {
                continue;
            }
            String url = aws.stack().queueUrl(queue.logicalId());
            String dlqUrl = aws.stack().queueUrl(Intrinsics.referencedId(redrive.get("deadLetterTargetArn")));
            int maxReceives = Integer.parseInt(String.valueOf(redrive.get("maxReceiveCount")));
            aws.sqs().sendMessage(b -> b.queueUrl(url).messageBody("poison"));
            for (int i = 0; i < maxReceives; i++) {
                assertThat(aws.sqs().receiveMessage(b -> b.queueUrl(url).visibilityTimeout(0).waitTimeSeconds(1)).messages())
                        .as("receive %d of %s", i + 1, queue.logicalId()).hasSize(1);
            }
            List<Message> dead = new ArrayList<>();
            for (int i = 0; i < 5 && dead.isEmpty(); i++) {
                aws.sqs().receiveMessage(b -> b.queueUrl(url).visibilityTimeout(0).waitTimeSeconds(0));
                dead.addAll(aws.sqs().receiveMessage(b -> b.queueUrl(dlqUrl).waitTimeSeconds(1)).messages());
            }
            assertThat(dead).as("dead letters of " + queue.logicalId()).singleElement()
                    .satisfies(m -> assertThat(m.body()).isEqualTo("poison"));
        }
    }

    private static Map<String, AttributeValue> keyOf(TableDescription table, String value) {
        Map<String, AttributeValue> item = new java.util.HashMap<>();
        for (KeySchemaElement k : table.keySchema()) {
            String type = table.attributeDefinitions().stream().filter(a -> a.attributeName().equals(k.attributeName()))
                    .findFirst().orElseThrow().attributeTypeAsString();
            item.put(k.attributeName(), type.equals("N") ? AttributeValue.fromN("1") : AttributeValue.fromS(value));
        }
        item.put("payload", AttributeValue.fromS("x"));
        return item;
    }

    private static List<Record> readStream(AwsEmulators aws, String streamArn) {
        List<Record> out = new ArrayList<>();
        for (var shard : aws.streams().describeStream(b -> b.streamArn(streamArn)).streamDescription().shards()) {
            String iterator = aws.streams().getShardIterator(b -> b.streamArn(streamArn).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            for (int i = 0; i < 5 && iterator != null; i++) {
                String current = iterator;
                var page = aws.streams().getRecords(b -> b.shardIterator(current));
                out.addAll(page.records());
                iterator = page.records().isEmpty() ? null : page.nextShardIterator();
            }
        }
        return out;
    }
}
