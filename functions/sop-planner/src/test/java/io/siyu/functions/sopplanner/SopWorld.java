package io.siyu.functions.sopplanner;

import io.siyu.core.orders.CustomerRef;
import io.siyu.core.rfm.LifecycleStage;
import io.siyu.core.rfm.RfmProfile;
import io.siyu.core.rfm.RfmScores;
import io.siyu.core.rfm.RfmState;
import io.siyu.core.rfm.RfmTotals;
import io.siyu.core.rfm.Segment;
import io.siyu.core.sop.Audience;
import io.siyu.core.sop.ChatType;
import io.siyu.core.sop.Content;
import io.siyu.core.sop.DispatchStore.Dispatch;
import io.siyu.core.sop.Run;
import io.siyu.core.sop.RunId;
import io.siyu.core.sop.Schedule;
import io.siyu.core.sop.Sop;
import io.siyu.core.sop.SopKind;
import io.siyu.core.sop.SopStatus;
import io.siyu.core.sop.Step;
import io.siyu.dynamodb.ContactSeeder;
import io.siyu.dynamodb.DynamoDbAudienceSource;
import io.siyu.dynamodb.DynamoDbCustomerSegments;
import io.siyu.dynamodb.DynamoDbDailyClaims;
import io.siyu.dynamodb.DynamoDbDispatchStore;
import io.siyu.dynamodb.DynamoDbPlanningStore;
import io.siyu.dynamodb.DynamoDbSopStore;
import io.siyu.dynamodb.RfmItems;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.SqsEvents;
import io.siyu.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The SOP planner's world for tests: the emulated tables and queues, stores over them, a clock
 * the test moves, and helpers that run the tick and work every queued chain as Lambda would.
 */
final class SopWorld {

    static final String CORP = AwsEmulators.CORP_ID;
    static final Duration SETTLE = Duration.ofMinutes(2);

    final AwsEmulators aws;
    final TestClock clock = new TestClock(Instant.parse("2026-03-06T00:00:00Z"));
    final DynamoDbSopStore sops;
    final DynamoDbPlanningStore planning;
    final DynamoDbDispatchStore dispatches;
    final DynamoDbAudienceSource audience;
    final ContactSeeder contacts;
    final DynamoDbCustomerSegments segments;
    final DynamoDbDailyClaims claims;
    /** How far journey recipients may be deferred (the default of SOP_MAX_DEFER_DAYS). */
    int maxDeferDays = 3;
    final String rfmTable;
    final String planningQueue;
    final String dispatchQueue;

    SopWorld(AwsEmulators aws) {
        this.aws = aws;
        aws.reset();
        String sopTable = aws.stack().tableName("SopTable");
        String dispatchTable = aws.stack().tableName("SopDispatchTable");
        String contactsTable = aws.stack().tableName("ContactsTable");
        sops = new DynamoDbSopStore(aws.dynamoDb(), sopTable);
        planning = new DynamoDbPlanningStore(aws.dynamoDb(), sopTable, dispatchTable, clock, Duration.ofDays(30));
        dispatches = new DynamoDbDispatchStore(aws.dynamoDb(), sopTable, dispatchTable);
        audience = new DynamoDbAudienceSource(aws.dynamoDb(), contactsTable);
        contacts = new ContactSeeder(aws.dynamoDb(), contactsTable, CORP);
        rfmTable = aws.stack().tableName("RfmTable");
        segments = new DynamoDbCustomerSegments(aws.dynamoDb(), rfmTable);
        claims = new DynamoDbDailyClaims(aws.dynamoDb(), sopTable, dispatchTable, 4);
        planningQueue = aws.stack().queueUrl("SopPlanningQueue");
        dispatchQueue = aws.stack().queueUrl("SopDispatchQueue");
    }

    PlannerService planner() {
        return new PlannerService(CORP, sops, planning, audience, claims, new SqsWorkQueue(aws.sqs(), planningQueue, ChainHandler.FIELD), clock,
                SETTLE, Duration.ofDays(1));
    }

    ChainService chains(int batchSize, int maxCommits, int perCallCustomers) {
        return new ChainService(planning, audience, segments, claims, maxDeferDays, new SqsWorkQueue(aws.sqs(), planningQueue, ChainHandler.FIELD),
                new SqsWorkQueue(aws.sqs(), dispatchQueue, "dispatch"), clock, batchSize, maxCommits, perCallCustomers, 2_000)
                .priorityWait(0, Duration.ofMinutes(15)); // waiting chains come back at once: the test's clock stands still
    }

    PlannerService.Tick tick(Instant at) {
        clock.set(at);
        return planner().tick(at, at.plusSeconds(50));
    }

    /** Works chain messages until the planning queue is empty; returns the number of messages worked. */
    int workChains(ChainService service) {
        int worked = 0;
        while (true) {
            List<Message> batch = aws.sqs().receiveMessage(b -> b.queueUrl(planningQueue).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
            if (batch.isEmpty()) {
                return worked;
            }
            for (Message m : batch) {
                service.work(SqsWorkQueue.key(m.body(), ChainHandler.FIELD), clock.instant().plusSeconds(45));
                aws.sqs().deleteMessage(b -> b.queueUrl(planningQueue).receiptHandle(m.receiptHandle()));
                worked++;
            }
        }
    }

    /** The dispatch keys on the dispatch queue (each message received once, left in flight). */
    List<String> queuedDispatches() {
        List<String> keys = new ArrayList<>();
        for (Message m : SqsEvents.drain(aws.sqs(), dispatchQueue)) {
            keys.add(SqsWorkQueue.key(m.body(), "dispatch"));
        }
        return keys;
    }

    Dispatch dispatch(String key) {
        return dispatches.dispatch(key).orElseThrow(() -> new AssertionError("no dispatch " + key));
    }

    Run run(RunId id) {
        return planning.run(id).orElseThrow(() -> new AssertionError("no run " + id));
    }

    /** Stores a customer's RFM record as the RFM capability does (its AGG item). */
    void rfm(String externalUserId, Segment segment, LifecycleStage stage) {
        RfmProfile profile = new RfmProfile(10, new RfmScores(3, 3, 3), segment, stage, LocalDate.parse("2026-04-01"));
        RfmState state = new RfmState(CustomerRef.externalUser(externalUserId), new RfmTotals(1, 10_000, clock.instant()),
                profile, LocalDate.parse("2026-03-06"), null, null, List.of(), 1);
        aws.dynamoDb().putItem(b -> b.tableName(rfmTable).item(RfmItems.stateItem(CORP, state, clock.instant())));
    }

    static Sop broadcast(String sopId, Schedule schedule, Audience audience) {
        return new Sop(CORP, sopId, "broadcast " + sopId, SopKind.BROADCAST, SopStatus.ACTIVE, audience,
                List.of(new Step("s1", schedule, ChatType.SINGLE, new Content("hello", List.of()))), 1, Instant.EPOCH, Instant.EPOCH);
    }

    static Sop journey(String sopId, Schedule schedule) {
        return new Sop(CORP, sopId, "journey " + sopId, SopKind.JOURNEY, SopStatus.ACTIVE, Audience.of(List.of()),
                List.of(new Step("j1", schedule, ChatType.SINGLE, new Content("tip", List.of()))), 1, Instant.EPOCH, Instant.EPOCH);
    }

}
