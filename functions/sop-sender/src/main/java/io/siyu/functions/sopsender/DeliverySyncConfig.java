package io.siyu.functions.sopsender;

import io.siyu.dynamodb.DynamoDbDeliveryStore;
import io.siyu.lambda.AwsClients;
import io.siyu.lambda.Env;
import io.siyu.lambda.Secret;
import io.siyu.wecom.api.MassMessageApi;
import io.siyu.wecom.api.WeComClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The delivery sync's configuration, read once at init. */
record DeliverySyncConfig(String corpId, String sopTable, String dispatchTable, String wecomBaseUrl, Secret secret,
                          DeliverySyncService.Policy policy) {

    static DeliverySyncConfig fromEnvironment() {
        return new DeliverySyncConfig(Env.required("WECOM_CORP_ID"), Env.required("SOP_TABLE"), Env.required("SOP_DISPATCH_TABLE"),
                Env.optional("WECOM_API_BASE_URL", "https://qyapi.weixin.qq.com"), Secret.fromEnvironment("WECOM_SECRET"),
                new DeliverySyncService.Policy(Duration.ofHours(Env.integer("SOP_DELIVERY_WINDOW_HOURS", 72)),
                        Duration.ofMinutes(Env.integer("SOP_DELIVERY_CHECK_MINUTES", 30)),
                        Duration.ofHours(Env.integer("SOP_REMIND_AFTER_HOURS", 6))));
    }

    DeliverySyncService service() {
        DynamoDbClient dynamoDb = AwsClients.configure(DynamoDbClient.builder(), "DYNAMODB", SenderConfig.DYNAMODB_CALL_TIMEOUT).build();
        WeComClient wecom = WeComClient.create(URI.create(wecomBaseUrl), corpId, secret, SenderConfig.WECOM_TIMEOUT);
        return new DeliverySyncService(corpId, new DynamoDbDeliveryStore(dynamoDb, sopTable, dispatchTable), new MassMessageApi(wecom),
                Clock.systemUTC(), policy);
    }
}
