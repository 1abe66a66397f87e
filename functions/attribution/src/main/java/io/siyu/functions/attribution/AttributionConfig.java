package io.siyu.functions.attribution;

import io.siyu.dynamodb.ContactItems;
import io.siyu.dynamodb.DynamoDbChannels;
import io.siyu.dynamodb.DynamoDbContactLedger;
import io.siyu.lambda.AwsClients;
import io.siyu.lambda.Env;
import io.siyu.lambda.Observability;
import io.siyu.lambda.Secret;
import io.siyu.wecom.api.ExternalContactApi;
import io.siyu.wecom.api.WeComClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The attribution function's configuration, read once at init. */
record AttributionConfig(String contactsTable, String channelsTable, String channelStatsTable, String corpId,
                         String wecomBaseUrl, Secret wecomSecret) {

    static AttributionConfig fromEnvironment() {
        return new AttributionConfig(
                Env.required("CONTACTS_TABLE"),
                Env.required("CHANNELS_TABLE"),
                Env.required("CHANNEL_STATS_TABLE"),
                Env.required("WECOM_CORP_ID"),
                Env.optional("WECOM_API_BASE_URL", "https://qyapi.weixin.qq.com"),
                Secret.fromEnvironment("WECOM_SECRET"));
    }

    AttributionService service() {
        DynamoDbClient dynamoDb = AwsClients.configure(DynamoDbClient.builder(), "DYNAMODB").build();
        Clock clock = Clock.systemUTC();
        // WeCom calls on the welcome path must leave room inside the code's 20 seconds.
        WeComClient wecom = WeComClient.create(URI.create(wecomBaseUrl), corpId, wecomSecret, Duration.ofSeconds(4));
        return new AttributionService(
                new DynamoDbContactLedger(dynamoDb, contactsTable, channelStatsTable, ContactItems.CORP_ZONE),
                new CachedChannels(new DynamoDbChannels(dynamoDb, channelsTable), clock),
                new ExternalContactApi(wecom),
                clock,
                Observability::count);
    }
}
