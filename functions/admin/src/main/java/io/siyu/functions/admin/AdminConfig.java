package io.siyu.functions.admin;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.siyu.dynamodb.ContactItems;
import io.siyu.dynamodb.DynamoDbChannelStats;
import io.siyu.dynamodb.DynamoDbChannels;
import io.siyu.dynamodb.DynamoDbContactDirectory;
import io.siyu.dynamodb.DynamoDbRfmRepository;
import io.siyu.dynamodb.DynamoDbDailyClaims;
import io.siyu.dynamodb.DynamoDbDeliveryStore;
import io.siyu.dynamodb.DynamoDbLinks;
import io.siyu.dynamodb.DynamoDbReferralCampaigns;
import io.siyu.dynamodb.DynamoDbSopStore;
import io.siyu.functions.admin.channels.ChannelRoutes;
import io.siyu.functions.admin.channels.ChannelService;
import io.siyu.functions.admin.channels.CustomerRoutes;
import io.siyu.functions.admin.http.Route;
import io.siyu.functions.admin.console.ConsoleAssets;
import io.siyu.functions.admin.http.Router;
import io.siyu.functions.admin.overview.OverviewRoutes;
import io.siyu.functions.admin.rfm.RfmRoutes;
import io.siyu.functions.admin.referral.ReferralAdminConfig;
import io.siyu.functions.admin.sop.SopRoutes;
import io.siyu.lambda.AwsClients;
import io.siyu.lambda.Env;
import io.siyu.lambda.Secret;
import io.siyu.wecom.api.ExternalContactApi;
import io.siyu.wecom.api.GroupChatApi;
import io.siyu.wecom.api.MassMessageApi;
import io.siyu.wecom.api.WeComClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The admin function's configuration and object graph, built once per execution environment. */
record AdminConfig(String corpId, String contactsTable, String channelsTable, String channelStatsTable,
                   String rfmTable, String sopTable, String sopDispatchTable, String linksTable, String wecomBaseUrl, Secret wecomSecret,
                   ReferralAdminConfig referral) {

    static AdminConfig fromEnvironment() {
        return new AdminConfig(
                Env.required("WECOM_CORP_ID"),
                Env.required("CONTACTS_TABLE"),
                Env.required("CHANNELS_TABLE"),
                Env.required("CHANNEL_STATS_TABLE"),
                Env.required("RFM_TABLE"),
                Env.required("SOP_TABLE"),
                Env.required("SOP_DISPATCH_TABLE"),
                Env.required("LINKS_TABLE"),
                Env.optional("WECOM_API_BASE_URL", "https://qyapi.weixin.qq.com"),
                Secret.fromEnvironment("WECOM_SECRET"),
                ReferralAdminConfig.fromEnvironment());
    }

    static ObjectMapper json() {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);
    }

    Router router() {
        DynamoDbClient dynamoDb = AwsClients.configure(DynamoDbClient.builder(), "DYNAMODB").build();
        WeComClient wecom = WeComClient.create(URI.create(wecomBaseUrl), corpId, wecomSecret, Duration.ofSeconds(8));
        Clock clock = Clock.systemUTC();
        ChannelRoutes channels = new ChannelRoutes(corpId,
                new ChannelService(new DynamoDbChannels(dynamoDb, channelsTable), new ExternalContactApi(wecom),
                        new GroupChatApi(wecom), clock, ChannelService.randomIds()),
                new DynamoDbChannelStats(dynamoDb, channelStatsTable), clock, ContactItems.CORP_ZONE);
        RfmRoutes rfm = new RfmRoutes(corpId, new DynamoDbRfmRepository(dynamoDb, rfmTable, null), clock);
        DynamoDbDeliveryStore deliveries = new DynamoDbDeliveryStore(dynamoDb, sopTable, sopDispatchTable);
        List<Route.Module> modules = List.of(
                new HealthRoutes(corpId),
                new OverviewRoutes(corpId, channels, new DynamoDbReferralCampaigns(dynamoDb, referral.campaignsTable()), deliveries, rfm,
                        clock, ContactItems.CORP_ZONE),
                channels,
                new CustomerRoutes(corpId, new DynamoDbContactDirectory(dynamoDb, contactsTable)),
                rfm,
                referral.routes(corpId, dynamoDb, wecom, clock),
                new SopRoutes(corpId, new DynamoDbSopStore(dynamoDb, sopTable),
                        deliveries, new DynamoDbDailyClaims(dynamoDb, sopTable, sopDispatchTable, 1),
                        new DynamoDbLinks(dynamoDb, linksTable, clock), new MassMessageApi(wecom), clock, ChannelService.randomIds()),
                new ConsoleAssets());
        return new Router(Route.all(modules), json());
    }
}
