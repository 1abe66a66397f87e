package io.siyu.functions.orders;

import io.siyu.dynamodb.DynamoDbContactDirectory;
import io.siyu.dynamodb.DynamoDbOrders;
import io.siyu.lambda.AwsClients;
import io.siyu.lambda.Env;
import io.siyu.lambda.Secret;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The orders function's configuration, read once at init; a missing value stops the function there. */
record OrdersConfig(String corpId, String ordersTable, String contactsTable, Secret sourceSecrets, Duration maxClockSkew) {

    static OrdersConfig fromEnvironment() {
        return new OrdersConfig(
                Env.required("WECOM_CORP_ID"),
                Env.required("ORDERS_TABLE"),
                Env.required("CONTACTS_TABLE"),
                Secret.fromEnvironment("ORDER_SOURCE_SECRETS"),
                Duration.ofSeconds(Env.integer("ORDERS_MAX_CLOCK_SKEW_SECONDS", 300)));
    }

    OrderIngest ingest() {
        DynamoDbClient dynamoDb = AwsClients.configure(DynamoDbClient.builder(), "DYNAMODB").build();
        Clock clock = Clock.systemUTC();
        return new OrderIngest(corpId, new OrderSignatures(sourceSecrets, clock, maxClockSkew), new OrderJson(maxClockSkew),
                new DynamoDbOrders(dynamoDb, ordersTable), new DynamoDbContactDirectory(dynamoDb, contactsTable), clock);
    }
}
