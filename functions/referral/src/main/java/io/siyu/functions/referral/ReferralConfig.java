package io.siyu.functions.referral;

import io.siyu.core.events.ContactAdded;
import io.siyu.core.referral.InviteeEntry;
import io.siyu.core.referral.InviteeLedger;
import io.siyu.dynamodb.DynamoDbContactDirectory;
import io.siyu.dynamodb.DynamoDbReferralCampaigns;
import io.siyu.dynamodb.DynamoDbReferralProgress;
import io.siyu.eventbus.DomainEventJson;
import io.siyu.lambda.AwsClients;
import io.siyu.lambda.Env;
import io.siyu.lambda.Secret;
import io.siyu.wecom.api.GroupChatApi;
import io.siyu.wecom.api.WeComClient;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The referral function's configuration, read once at init; a missing value stops the function there. */
record ReferralConfig(String corpId, String campaignsTable, String progressTable, String contactsTable, URI wecomBaseUrl,
                      Secret wecomSecret) {

    static final Duration WECOM_TIMEOUT = Duration.ofSeconds(5);

    static ReferralConfig fromEnvironment() {
        return new ReferralConfig(
                Env.required("WECOM_CORP_ID"),
                Env.required("REFERRAL_CAMPAIGNS_TABLE"),
                Env.required("REFERRAL_PROGRESS_TABLE"),
                Env.required("CONTACTS_TABLE"),
                URI.create(Env.optional("WECOM_API_BASE_URL", "https://qyapi.weixin.qq.com")),
                Secret.fromEnvironment("WECOM_SECRET"));
    }

    ReferralService service() {
        return service(Clock.systemUTC());
    }

    /** Jitter is drawn when needed, never at init: a SnapStart snapshot would give every copy the same. */
    ReferralService service(Clock clock) {
        DynamoDbClient dynamoDb = AwsClients.configure(DynamoDbClient.builder(), "DYNAMODB").build();
        DynamoDbReferralCampaigns campaigns = new DynamoDbReferralCampaigns(dynamoDb, campaignsTable);
        GroupChatApi groupChats = new GroupChatApi(WeComClient.create(wecomBaseUrl, corpId, wecomSecret, WECOM_TIMEOUT));
        return new ReferralService(corpId, new CampaignDirectory(campaigns, corpId), campaigns,
                new DynamoDbReferralProgress(dynamoDb, progressTable), new DynamoDbContactDirectory(dynamoDb, contactsTable),
                () -> groupChats, clock, new Backoff(() -> new SecureRandom().nextLong(), Thread::sleep));
    }

    /**
     * Runs the pure path once at init so its classes (Jackson, the ledger) are loaded in the
     * SnapStart snapshot rather than on the first event. Nothing here is secret or unique.
     */
    static void prime() {
        ContactAdded e = new ContactAdded("prime", "prime", Instant.EPOCH, "u", "e", null, null, false);
        DomainEventJson.fromDetail("ContactAdded", DomainEventJson.detail(e));
        InviteeLedger.append(List.of(), new InviteeEntry(Instant.EPOCH, "prime", InviteeEntry.Kind.ENTER, "u", null, false));
    }
}
