package io.siyu.functions.rfm;

import io.siyu.dynamodb.DynamoDbContactDirectory;
import io.siyu.dynamodb.DynamoDbIdempotencyStore;
import io.siyu.dynamodb.DynamoDbOrders;
import io.siyu.dynamodb.DynamoDbRfmRepository;
import io.siyu.eventbus.EventBridgePublisher;
import io.siyu.lambda.AwsClients;
import io.siyu.lambda.Env;
import io.siyu.lambda.Secret;
import io.siyu.wecom.api.ExternalContactApi;
import io.siyu.wecom.api.WeComClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * The rfm functions' configuration, read once at init; a missing value stops the function there.
 *
 * @param idempotencyTable where the stream's once-markers live; null for the daily function, which needs none
 */
record RfmConfig(String corpId, String rfmTable, String ordersTable, String contactsTable, String idempotencyTable,
                 String eventBusName, Secret wecomSecret, URI wecomBaseUrl, int catchUpDays) {

    /** Stream records live 24 hours and are retried for at most 6 (MaximumRecordAgeInSeconds): markers outlive both. */
    static final Duration MARKER_RETENTION = Duration.ofDays(3);
    static final Duration WECOM_TIMEOUT = Duration.ofSeconds(5);

    static RfmConfig forStream() {
        return read(Env.required("IDEMPOTENCY_TABLE"));
    }

    static RfmConfig forDaily() {
        return read(null);
    }

    private static RfmConfig read(String idempotencyTable) {
        return new RfmConfig(
                Env.required("WECOM_CORP_ID"),
                Env.required("RFM_TABLE"),
                Env.required("ORDERS_TABLE"),
                Env.required("CONTACTS_TABLE"),
                idempotencyTable,
                Env.required("EVENT_BUS_NAME"),
                Secret.fromEnvironment("WECOM_SECRET"),
                URI.create(Env.optional("WECOM_API_BASE_URL", "https://qyapi.weixin.qq.com")),
                Env.integer("RFM_CATCH_UP_DAYS", 31));
    }

    RfmService service() {
        return service(Clock.systemUTC());
    }

    RfmService service(Clock clock) {
        DynamoDbClient dynamoDb = AwsClients.configure(DynamoDbClient.builder(), "DYNAMODB").build();
        EventBridgeClient eventBridge = AwsClients.configure(EventBridgeClient.builder(), "EVENTBRIDGE").build();
        DynamoDbIdempotencyStore markers = idempotencyTable == null ? null
                : new DynamoDbIdempotencyStore(dynamoDb, idempotencyTable, Duration.ZERO, MARKER_RETENTION);
        DynamoDbRfmRepository repository = new DynamoDbRfmRepository(dynamoDb, rfmTable, markers);
        DynamoDbContactDirectory contacts = new DynamoDbContactDirectory(dynamoDb, contactsTable);
        ExternalContactApi wecom = new ExternalContactApi(WeComClient.create(wecomBaseUrl, corpId, wecomSecret, WECOM_TIMEOUT));
        return new RfmService(corpId, repository, new DynamoDbOrders(dynamoDb, ordersTable), contacts,
                new RfmTags(corpId, wecom, contacts, repository, clock), new EventBridgePublisher(eventBridge, eventBusName), clock);
    }
}
