package io.siyu.functions.sopplanner;

import static io.siyu.functions.sopplanner.SopWorld.CORP;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.core.sop.Audience;
import io.siyu.core.sop.RunId;
import io.siyu.core.sop.Schedule;
import io.siyu.emulators.LambdaContext;
import io.siyu.lambda.Env;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import io.siyu.testing.SqsEvents;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Both planner handlers as deployed: built by their public constructors from the template's
 * environment, fed the scheduler's input and real SQS events.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class PlannerHandlersTest {

    private AwsEmulators aws;
    private SopWorld world;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        this.aws = aws;
        world = new SopWorld(aws);
    }

    @AfterEach
    void restore() {
        Env.useProcessEnvironment();
    }

    private static Map<String, Object> scheduledTick() throws Exception {
        try (InputStream in = PlannerHandlersTest.class.getResourceAsStream("/scheduler/tick.json")) {
            return new ObjectMapper().readValue(in, new TypeReference<>() {});
        }
    }

    private SQSBatchResponse deliverChains(ChainHandler handler) {
        SQSBatchResponse[] last = new SQSBatchResponse[1];
        SqsEvents.deliver(aws.sqs(), world.planningQueue, aws.stack().queueArn("SopPlanningQueue"), 10, 1, e -> {
            last[0] = handler.handleRequest(e, new LambdaContext("sop-planner-chains", 60));
            return last[0];
        });
        return last[0];
    }

    @Test
    void theScheduledTickStartsAChainAndTheChainFunctionQueuesTheDispatch() throws Exception {
        world.contacts.put(world.contacts.active("wm1", "zhangsan", Instant.parse("2026-02-01T00:00:00Z")));
        // 10:00Z is 18:00 in Shanghai
        world.sops.create(SopWorld.broadcast("b1", new Schedule.At(LocalDateTime.parse("2026-03-06T18:00")), Audience.of(List.of("zhangsan"))));

        Env.use(aws.environmentOf("SopPlannerFunction"));
        Map<String, Object> out = new PlannerHandler().handleRequest(scheduledTick(), new LambdaContext("sop-planner", 60));
        assertThat(out).containsEntry("plannedFrom", "2026-03-06T10:00:00Z").containsEntry("plannedTo", "2026-03-06T10:01:00Z")
                .containsEntry("chainsStarted", 1);
        assertThat(new PlannerHandler().handleRequest(scheduledTick(), new LambdaContext("sop-planner", 60)))
                .as("the scheduler's retry of the same invocation").containsEntry("chainsStarted", 0);

        Env.use(aws.environmentOf("SopPlannerChainsFunction"));
        SQSBatchResponse response = deliverChains(new ChainHandler());
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(world.queuedDispatches()).singleElement().satisfies(k -> {
            assertThat(world.dispatch(k).recipients()).containsExactly("wm1");
            assertThat(world.dispatch(k).head().content().text()).isEqualTo("hello");
        });
        assertThat(world.run(new RunId(CORP, "b1", "s1", "2026-03-06T18:00")).state()).isEqualTo("SENDING");
    }

    @Test
    void aMessageThatNamesNoChainIsReportedAndAnUnknownChainIsDone() {
        Env.use(aws.environmentOf("SopPlannerChainsFunction"));
        ChainHandler handler = new ChainHandler();
        aws.sqs().sendMessage(b -> b.queueUrl(world.planningQueue).messageBody("{\"nope\":1}"));
        assertThat(deliverChains(handler).getBatchItemFailures()).hasSize(1);
        aws.sqs().purgeQueue(b -> b.queueUrl(world.planningQueue));
        aws.sqs().sendMessage(b -> b.queueUrl(world.planningQueue).messageBody("not json"));
        assertThat(deliverChains(handler).getBatchItemFailures()).hasSize(1);
        aws.sqs().purgeQueue(b -> b.queueUrl(world.planningQueue));
        aws.sqs().sendMessage(b -> b.queueUrl(world.planningQueue).messageBody("{\"chain\":\"" + CORP + "#x#y#z#S:u\"}"));
        assertThat(deliverChains(handler).getBatchItemFailures()).isEmpty();
        assertThat(world.queuedDispatches()).isEmpty();
    }

    @Test
    void aTickWithoutAScheduledTimePlansTheCurrentMinute() {
        Env.use(aws.environmentOf("SopPlannerFunction"));
        Map<String, Object> out = new PlannerHandler().handleRequest(Map.of("scheduledTime", "garbage"), new LambdaContext("sop-planner", 60));
        Instant from = Instant.parse((String) out.get("plannedFrom"));
        assertThat(Instant.parse((String) out.get("plannedTo"))).isEqualTo(from.plusSeconds(60));
        assertThat(out).containsEntry("chainsStarted", 0);
    }
}
