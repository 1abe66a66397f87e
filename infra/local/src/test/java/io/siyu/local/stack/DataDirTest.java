package io.siyu.local.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.siyu.local.demo.StackClient;
import io.siyu.local.probe.ProbeStack;
import io.siyu.testing.RepositoryFiles;
import io.siyu.testing.TestTarget;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;

/** {@code up --data DIR}: what one stack stored, the next finds; a stream is not replayed to its functions. */
@Tag("emulator")
class DataDirTest {

    @BeforeEach
    void inProcessOnly() {
        assumeTrue(TestTarget.current() == TestTarget.IN_PROCESS, "the local stack runs its own emulators");
    }

    static StackClient client(LocalStack stack) {
        StackSettings s = stack.settings();
        return new StackClient(stack.url(), s.adminToken(), s.corpId(), s.wecomToken(), s.wecomAesKey(), Clock.systemUTC());
    }

    @Test
    void aChannelCreatedOnOneStackIsThereOnTheNextWithTheSameDataFolder(@TempDir Path data) {
        StackSettings settings = StackSettings.forTests(RepositoryFiles.root()).withDataDir(data);
        try (LocalStack first = LocalStack.start(settings)) {
            StackClient.Reply created = client(first).admin("POST", "/admin/channels",
                    Map.of("name", "门店B", "code", "kept-store", "staffUserIds", List.of("zhangsan")));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
        }
        try (LocalStack second = LocalStack.start(settings)) {
            StackClient.Reply kept = client(second).admin("GET", "/admin/channels/kept-store", null);
            assertThat(kept.status()).as(kept.body()).isEqualTo(200);
            assertThat(kept.json().path("name").asText()).isEqualTo("门店B");
        }
        try (LocalStack inMemory = LocalStack.start(StackSettings.forTests(RepositoryFiles.root()))) {
            assertThat(client(inMemory).admin("GET", "/admin/channels/kept-store", null).status()).isEqualTo(404);
        }
    }

    @Test
    void aRestartedStackContinuesEachStreamWhereItStopped(@TempDir Path data) throws InterruptedException {
        ProbeStack probe = ProbeStack.create(EventSourcesTest.TEMPLATE);
        StackSettings settings = probe.settings().withDataDir(data);
        try (LocalStack first = probe.start(settings)) {
            put(first, "kept-1");
            assertThat(first.awaitIdle(Duration.ofSeconds(60))).isTrue();
        }
        try (LocalStack second = probe.start(settings)) {
            // The kept stream still holds the first record (so a TRIM_HORIZON start would replay it) ...
            var streams = second.endpoints().dynamoDbStreamsClient();
            String arn = second.resources().streamArn("ItemsTable");
            String shard = streams.describeStream(b -> b.streamArn(arn)).streamDescription().shards().get(0).shardId();
            String iterator = streams.getShardIterator(b -> b.streamArn(arn).shardId(shard)
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            assertThat(streams.getRecords(b -> b.shardIterator(iterator)).records())
                    .anySatisfy(r -> assertThat(r.dynamodb().newImage().get("pk").s()).isEqualTo("kept-1"));
            put(second, "kept-2");
            assertThat(second.awaitIdle(Duration.ofSeconds(60))).isTrue();
        }
        // ... but the function saw each record once: the saved position was used.
        assertThat(probe.lines("stream.log")).containsExactly("kept-1:INSERT", "kept-2:INSERT");
    }

    static void put(LocalStack stack, String pk) {
        stack.endpoints().dynamoDbClient().putItem(b -> b.tableName(stack.resources().tableName("ItemsTable"))
                .item(Map.of("pk", AttributeValue.fromS(pk), "behaviour", AttributeValue.fromS("ok"))));
    }
}
