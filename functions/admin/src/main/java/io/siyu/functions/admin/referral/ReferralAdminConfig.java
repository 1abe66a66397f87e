package io.siyu.functions.admin.referral;

import io.siyu.core.referral.ReferralCodes;
import io.siyu.dynamodb.DynamoDbReferralCampaigns;
import io.siyu.dynamodb.DynamoDbReferralProgress;
import io.siyu.lambda.Env;
import io.siyu.wecom.api.ExternalContactApi;
import io.siyu.wecom.api.GroupChatApi;
import io.siyu.wecom.api.WeComClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** What the referral routes need from the admin function's environment. */
public record ReferralAdminConfig(String campaignsTable, String progressTable) {

    public static ReferralAdminConfig fromEnvironment() {
        return new ReferralAdminConfig(Env.required("REFERRAL_CAMPAIGNS_TABLE"), Env.required("REFERRAL_PROGRESS_TABLE"));
    }

    public ReferralRoutes routes(String corpId, DynamoDbClient dynamoDb, WeComClient wecom, Clock clock) {
        // Randomness is drawn per request, never at init: a SnapStart snapshot would share it.
        return new ReferralRoutes(corpId, new DynamoDbReferralCampaigns(dynamoDb, campaignsTable),
                new DynamoDbReferralProgress(dynamoDb, progressTable), new ExternalContactApi(wecom), new GroupChatApi(wecom),
                clock, () -> ReferralCodes.newCampaignId(new SecureRandom()), () -> UUID.randomUUID().toString());
    }
}
