package io.siyu.functions.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.core.sop.Audience;
import io.siyu.core.sop.Chain;
import io.siyu.core.sop.ChainCommit;
import io.siyu.core.sop.ChainSource;
import io.siyu.core.sop.ChatType;
import io.siyu.core.sop.Content;
import io.siyu.core.sop.DispatchFiller;
import io.siyu.core.sop.Run;
import io.siyu.core.sop.RunCounters;
import io.siyu.core.sop.RunId;
import io.siyu.core.sop.SopKind;
import io.siyu.dynamodb.DynamoDbDispatchStore;
import io.siyu.dynamodb.DynamoDbPlanningStore;
import io.siyu.testing.AwsEmulators;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** SOP tasks as the planner and the sender leave them, for the admin routes that report or cancel them. */
public final class SopTasks {
    private SopTasks() {}

    /** One task per sender of {@code run}, created at WeCom now; sender → dispatch key. */
    public static Map<String, String> created(AwsEmulators aws, RunId run, Map<String, List<String>> recipients) {
        String sopTable = aws.stack().tableName("SopTable");
        String dispatchTable = aws.stack().tableName("SopDispatchTable");
        DynamoDbPlanningStore planning = new DynamoDbPlanningStore(aws.dynamoDb(), sopTable, dispatchTable, Clock.systemUTC(),
                Duration.ofDays(30));
        DynamoDbDispatchStore dispatches = new DynamoDbDispatchStore(aws.dynamoDb(), sopTable, dispatchTable);
        Content content = new Content("x", List.of());
        planning.saveRun(new Run(run, SopKind.BROADCAST, ChatType.SINGLE, content, Audience.of(List.copyOf(recipients.keySet())), 1, null,
                RunCounters.ZERO));
        Map<String, String> keys = new HashMap<>();
        recipients.forEach((sender, ids) -> {
            Chain chain = Chain.start(run, new ChainSource.Staff(sender));
            planning.createChain(chain);
            DispatchFiller filler = new DispatchFiller(chain, ChatType.SINGLE, content, 10_000, 2_500, 90);
            ids.forEach(r -> filler.offer(sender, r));
            filler.sealAll();
            planning.commit(new ChainCommit(0, new Chain(chain.key(), run, chain.source(), 1, null, true, filler.open(), List.of()),
                    filler.pages(), filler.sealed(), new RunCounters(ids.size(), 0, 0, 0, 0, 0, 0, 1, 1, 0)));
            String key = filler.sealed().get(0).key();
            assertThat(dispatches.claim(key, "t", Instant.now().plusSeconds(60))).isTrue();
            dispatches.taskCreated(dispatches.dispatch(key).orElseThrow(), "t", "msg-" + sender, List.of(), Instant.now());
            keys.put(sender, key);
        });
        return keys;
    }
}
