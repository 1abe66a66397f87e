package io.siyu.functions.sopsender;

import io.siyu.dynamodb.DynamoDbDispatchStore;
import io.siyu.lambda.AwsClients;
import io.siyu.lambda.Env;
import io.siyu.lambda.Secret;
import io.siyu.wecom.api.MassMessageApi;
import io.siyu.wecom.api.WeComClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The sender's configuration, read once at init. */
record SenderConfig(String corpId, String sopTable, String dispatchTable, String queueUrl, String wecomBaseUrl, Secret secret,
                    int maxReceives, Duration retryBase, Duration retryMax) {

    /** Per WeCom HTTP call; a token refresh and a retry stay inside the function's 30 s. */
    static final Duration WECOM_TIMEOUT = Duration.ofSeconds(8);
    /** A dispatch is read in one Query of up to 10,000 ids and finished in one transaction: time for both. */
    static final Duration DYNAMODB_CALL_TIMEOUT = Duration.ofSeconds(10);
    /** The marker's lease: twice the function's timeout, so it never ends while its sender still runs. */
    static final Duration LEASE = Duration.ofSeconds(60);

    static SenderConfig fromEnvironment() {
        return new SenderConfig(Env.required("WECOM_CORP_ID"), Env.required("SOP_TABLE"), Env.required("SOP_DISPATCH_TABLE"),
                Env.required("SOP_DISPATCH_QUEUE_URL"), Env.optional("WECOM_API_BASE_URL", "https://qyapi.weixin.qq.com"),
                Secret.fromEnvironment("WECOM_SECRET"), Env.integer("SOP_DISPATCH_MAX_RECEIVES", 8),
                Duration.ofSeconds(Env.integer("SOP_RETRY_BASE_SECONDS", 60)), Duration.ofSeconds(Env.integer("SOP_RETRY_MAX_SECONDS", 3600)));
    }

    SenderService service() {
        DynamoDbClient dynamoDb = AwsClients.configure(DynamoDbClient.builder(), "DYNAMODB", DYNAMODB_CALL_TIMEOUT).build();
        WeComClient wecom = WeComClient.create(URI.create(wecomBaseUrl), corpId, secret, WECOM_TIMEOUT);
        // Claim tokens are random per delivery; made on use, never at init (SnapStart).
        return new SenderService(new DynamoDbDispatchStore(dynamoDb, sopTable, dispatchTable), new MassMessageApi(wecom),
                Clock.systemUTC(), () -> UUID.randomUUID().toString(), LEASE, maxReceives, retryBase, retryMax);
    }

    SenderHandler.Visibility visibility() {
        SqsClient sqs = AwsClients.configure(SqsClient.builder(), "SQS").build();
        return (receiptHandle, after) -> sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(receiptHandle)
                .visibilityTimeout((int) Math.min(after.toSeconds(), 43_200)));
    }
}
