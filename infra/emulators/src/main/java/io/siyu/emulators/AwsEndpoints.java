package io.siyu.emulators;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Where each AWS service of an emulated stack answers. Credentials are fixed and made of letters
 * and digits only (DynamoDB Local refuses others).
 */
public record AwsEndpoints(URI dynamoDb, URI sqs, URI eventBridge, String region) {

    public static final String ACCESS_KEY = "siyulocal";
    public static final String SECRET_KEY = "siyulocal";

    public DynamoDbClient dynamoDbClient() {
        return configure(DynamoDbClient.builder(), dynamoDb).build();
    }

    public DynamoDbStreamsClient dynamoDbStreamsClient() {
        return configure(DynamoDbStreamsClient.builder(), dynamoDb).build();
    }

    public SqsClient sqsClient() {
        return configure(SqsClient.builder(), sqs).build();
    }

    public EventBridgeClient eventBridgeClient() {
        return configure(EventBridgeClient.builder(), eventBridge).build();
    }

    private <B extends AwsClientBuilder<B, ?> & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, ?>>
            B configure(B builder, URI endpoint) {
        return builder.endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClient(UrlConnectionHttpClient.create());
    }
}
