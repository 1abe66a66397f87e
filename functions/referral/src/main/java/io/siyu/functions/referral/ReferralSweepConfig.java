package io.siyu.functions.referral;

import io.siyu.dynamodb.DynamoDbReferralCampaigns;
import io.siyu.dynamodb.DynamoDbReferralProgress;
import io.siyu.eventbus.EventBridgePublisher;
import io.siyu.lambda.AwsClients;
import io.siyu.lambda.Env;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/** The sweep function's configuration, read once at init. */
record ReferralSweepConfig(String corpId, String campaignsTable, String progressTable, String eventBusName, Duration settle) {

    static ReferralSweepConfig fromEnvironment() {
        return new ReferralSweepConfig(
                Env.required("WECOM_CORP_ID"),
                Env.required("REFERRAL_CAMPAIGNS_TABLE"),
                Env.required("REFERRAL_PROGRESS_TABLE"),
                Env.required("EVENT_BUS_NAME"),
                Duration.ofSeconds(Env.integer("REFERRAL_SETTLE_SECONDS", 120)));
    }

    ReferralSweep sweep() {
        return sweep(Clock.systemUTC());
    }

    ReferralSweep sweep(Clock clock) {
        DynamoDbClient dynamoDb = AwsClients.configure(DynamoDbClient.builder(), "DYNAMODB").build();
        EventBridgeClient eventBridge = AwsClients.configure(EventBridgeClient.builder(), "EVENTBRIDGE").build();
        return new ReferralSweep(corpId, new DynamoDbReferralCampaigns(dynamoDb, campaignsTable),
                new DynamoDbReferralProgress(dynamoDb, progressTable), new EventBridgePublisher(eventBridge, eventBusName),
                clock, settle);
    }
}
