package io.siyu.functions.sopplanner;

import io.siyu.core.links.LinkRewriter;
import io.siyu.dynamodb.DynamoDbAudienceSource;
import io.siyu.dynamodb.DynamoDbLinks;
import io.siyu.dynamodb.DynamoDbCustomerSegments;
import io.siyu.dynamodb.DynamoDbDailyClaims;
import io.siyu.dynamodb.DynamoDbPlanningStore;
import io.siyu.dynamodb.DynamoDbSopStore;
import io.siyu.lambda.AwsClients;
import io.siyu.lambda.Env;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Configuration of the two planner functions (the tick and the chains), read once at init. The
 * tick needs no dispatch queue; everything a function needs is required, so a missing value
 * stops it before traffic.
 */
record PlannerConfig(String corpId, String sopTable, String dispatchTable, String contactsTable, String rfmTable, String planningQueueUrl,
                     String dispatchQueueUrl, Duration settle, Duration maxCatchUp, int batchSize, int maxCommits, Duration retention,
                     int maxDeferDays, int claimParallelism, String linksBaseUrl, String linksTable) {

    /** A chain commit is a transaction of up to 100 items (recipient pages): time for it. */
    static final Duration DYNAMODB_CALL_TIMEOUT = Duration.ofSeconds(10);

    static PlannerConfig forTick() {
        return new PlannerConfig(Env.required("WECOM_CORP_ID"), Env.required("SOP_TABLE"), Env.required("SOP_DISPATCH_TABLE"),
                Env.required("CONTACTS_TABLE"), null, Env.required("SOP_PLANNING_QUEUE_URL"), null,
                Duration.ofMinutes(Env.integer("SOP_JOURNEY_SETTLE_MINUTES", 2)),
                Duration.ofMinutes(Env.integer("SOP_MAX_CATCH_UP_MINUTES", 1440)), 0, 0,
                Duration.ofDays(Env.integer("SOP_DISPATCH_RETENTION_DAYS", 30)), 0, 1, null, null);
    }

    static PlannerConfig forChains() {
        return new PlannerConfig(Env.required("WECOM_CORP_ID"), Env.required("SOP_TABLE"), Env.required("SOP_DISPATCH_TABLE"),
                Env.required("CONTACTS_TABLE"), Env.required("RFM_TABLE"), Env.required("SOP_PLANNING_QUEUE_URL"),
                Env.required("SOP_DISPATCH_QUEUE_URL"),
                Duration.ZERO, Duration.ZERO, Env.integer("SOP_PLAN_BATCH_SIZE", 2500), Env.integer("SOP_PLAN_MAX_COMMITS", 0),
                Duration.ofDays(Env.integer("SOP_DISPATCH_RETENTION_DAYS", 30)), Env.integer("SOP_MAX_DEFER_DAYS", 3),
                Env.integer("SOP_CLAIM_PARALLELISM", 8),
                // Tracked links (docs/sop.md): off when the base URL is empty.
                Env.optional("LINKS_BASE_URL", null), Env.required("LINKS_TABLE"));
    }

    PlannerService plannerService() {
        DynamoDbClient dynamoDb = AwsClients.configure(DynamoDbClient.builder(), "DYNAMODB", DYNAMODB_CALL_TIMEOUT).build();
        SqsClient sqs = AwsClients.configure(SqsClient.builder(), "SQS").build();
        Clock clock = Clock.systemUTC();
        return new PlannerService(corpId, new DynamoDbSopStore(dynamoDb, sopTable),
                new DynamoDbPlanningStore(dynamoDb, sopTable, dispatchTable, clock, retention),
                new DynamoDbAudienceSource(dynamoDb, contactsTable), new DynamoDbDailyClaims(dynamoDb, sopTable, dispatchTable, 1),
                new SqsWorkQueue(sqs, planningQueueUrl, ChainHandler.FIELD), clock, settle, maxCatchUp);
    }

    ChainService chainService() {
        DynamoDbClient dynamoDb = AwsClients.configure(DynamoDbClient.builder(), "DYNAMODB", DYNAMODB_CALL_TIMEOUT).build();
        SqsClient sqs = AwsClients.configure(SqsClient.builder(), "SQS").build();
        Clock clock = Clock.systemUTC();
        return new ChainService(new DynamoDbPlanningStore(dynamoDb, sopTable, dispatchTable, clock, retention),
                new DynamoDbAudienceSource(dynamoDb, contactsTable), new DynamoDbCustomerSegments(dynamoDb, rfmTable),
                new DynamoDbDailyClaims(dynamoDb, sopTable, dispatchTable, claimParallelism), maxDeferDays,
                new SqsWorkQueue(sqs, planningQueueUrl, ChainHandler.FIELD), new SqsWorkQueue(sqs, dispatchQueueUrl, "dispatch"),
                clock, batchSize, maxCommits)
                .trackLinks(linksBaseUrl == null ? LinkRewriter.NONE
                        : new LinkRewriter(linksBaseUrl, new DynamoDbLinks(dynamoDb, linksTable, clock)));
    }
}
