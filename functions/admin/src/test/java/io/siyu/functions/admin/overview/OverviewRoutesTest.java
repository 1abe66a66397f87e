package io.siyu.functions.admin.overview;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.core.channels.Channel;
import io.siyu.core.contacts.ContactFact;
import io.siyu.core.contacts.ContactFact.Kind;
import io.siyu.core.events.ContactRemoved.RemovedBy;
import io.siyu.core.orders.CustomerRef;
import io.siyu.core.referral.Campaign;
import io.siyu.core.referral.CampaignKind;
import io.siyu.core.referral.CampaignStatus;
import io.siyu.core.rfm.ContactFacts;
import io.siyu.core.rfm.RfmRepository.Change;
import io.siyu.core.rfm.RfmRules;
import io.siyu.core.rfm.RfmState;
import io.siyu.core.rfm.RfmThresholds;
import io.siyu.core.rfm.RfmTotals;
import io.siyu.core.rfm.RfmTransition;
import io.siyu.core.sop.DeliveryStore;
import io.siyu.core.sop.RunId;
import io.siyu.dynamodb.ContactItems;
import io.siyu.dynamodb.DynamoDbChannels;
import io.siyu.dynamodb.DynamoDbContactLedger;
import io.siyu.dynamodb.DynamoDbDeliveryStore;
import io.siyu.dynamodb.DynamoDbReferralCampaigns;
import io.siyu.dynamodb.DynamoDbRfmRepository;
import io.siyu.emulators.LambdaContext;
import io.siyu.functions.admin.AdminHandlers;
import io.siyu.lambda.Env;
import io.siyu.functions.admin.SopTasks;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import io.siyu.testing.HttpApiEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * GET /admin/overview through the admin handler as deployed, on the emulated tables, with every
 * figure written the way the functions that own it write it (attribution's ledger, the referral
 * catalog, the SOP sender and delivery sync, the rfm function's commit).
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class OverviewRoutesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CORP = AwsEmulators.CORP_ID;
    private static final ZoneId SHANGHAI = ContactItems.CORP_ZONE;

    private AwsEmulators aws;
    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        this.aws = aws;
        aws.reset();
        Env.use(aws.environmentOf("AdminFunction"));
        handler = AdminHandlers.deployed();
    }

    @AfterEach
    void restore() {
        Env.useProcessEnvironment();
    }

    private JsonNode get(String path, Map<String, String> query, int status) {
        APIGatewayV2HTTPResponse r = handler.handleRequest(HttpApiEvents.request("GET", path).query(query).build(),
                new LambdaContext("admin", 20));
        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(status);
        try {
            return JSON.readTree(r.getBody());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void anEmptyCorpHasZeroEverywhere() {
        JsonNode o = get("/admin/overview", null, 200);
        assertThat(o.path("zone").asText()).isEqualTo("Asia/Shanghai");
        assertThat(o.path("today").asText()).isEqualTo(LocalDate.now(SHANGHAI).toString());
        assertThat(o.path("periods")).extracting(p -> p.path("days").asInt()).containsExactly(1, 7, 30);
        for (JsonNode p : o.path("periods")) {
            assertThat(p.path("totals").path("newCustomers").asLong()).isZero();
            assertThat(p.path("totals").path("net").asLong()).isZero();
        }
        assertThat(o.path("referral").path("activeCampaigns").asLong()).isZero();
        assertThat(o.path("sop").path("tasksAwaitingConfirmation").asLong()).isZero();
        assertThat(o.path("rfm").path("customers").asLong()).isZero();
    }

    @Test
    void everyFigureIsWhatTheStoredFactsImply() {
        LocalDate today = LocalDate.now(SHANGHAI);
        Instant midnight = today.atStartOfDay(SHANGHAI).toInstant();
        DynamoDbChannels channels = new DynamoDbChannels(aws.dynamoDb(), aws.stack().tableName("ChannelsTable"));
        channel(channels, "storea01", Channel.Status.ACTIVE, midnight.minus(Duration.ofDays(60)));
        channel(channels, "liveb002", Channel.Status.ARCHIVED, midnight.minus(Duration.ofDays(60))); // archived still counts
        DynamoDbContactLedger ledger = new DynamoDbContactLedger(aws.dynamoDb(), aws.stack().tableName("ContactsTable"),
                aws.stack().tableName("ChannelStatsTable"), SHANGHAI);
        Instant todayEarly = midnight.plusSeconds(20);
        // wmA: new today through storea01.
        add(ledger, "wmA", "e1", todayEarly, "ch_storea01");
        // wmB: new 3 days ago through the archived liveb002; deleted the staff member today.
        add(ledger, "wmB", "e2", midnight.minus(Duration.ofDays(3)).plusSeconds(3600), "ch_liveb002");
        remove(ledger, "wmB", "e3", todayEarly.plusSeconds(1), RemovedBy.CUSTOMER);
        // wmC: new 20 days ago with no state (unattributed); the staff member deleted them 10 days ago.
        add(ledger, "wmC", "e4", midnight.minus(Duration.ofDays(20)).plusSeconds(3600), null);
        remove(ledger, "wmC", "e5", midnight.minus(Duration.ofDays(10)).plusSeconds(3600), RemovedBy.STAFF);
        // wmD: new 40 days ago (outside every period); the staff member deleted them 2 days ago.
        add(ledger, "wmD", "e6", midnight.minus(Duration.ofDays(40)).plusSeconds(3600), "ch_storea01");
        remove(ledger, "wmD", "e7", midnight.minus(Duration.ofDays(2)).plusSeconds(3600), RemovedBy.STAFF);
        // wmE: new 5 days ago through a referral code (the referral bucket).
        add(ledger, "wmE", "e8", midnight.minus(Duration.ofDays(5)).plusSeconds(3600), "rf_k3v9x2pq0");

        Instant now = Instant.now();
        DynamoDbReferralCampaigns campaigns = new DynamoDbReferralCampaigns(aws.dynamoDb(), aws.stack().tableName("ReferralCampaignsTable"));
        campaign(campaigns, "a0000001", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)), CampaignStatus.ACTIVE); // running
        campaign(campaigns, "a0000002", now.minus(Duration.ofDays(2)), now.plus(Duration.ofDays(9)), CampaignStatus.ACTIVE); // running
        campaign(campaigns, "a0000003", now.minus(Duration.ofDays(9)), now.minus(Duration.ofDays(1)), CampaignStatus.ACTIVE); // ended
        campaign(campaigns, "a0000004", now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(9)), CampaignStatus.ACTIVE); // not yet
        campaign(campaigns, "a0000005", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(9)), CampaignStatus.ACTIVE);
        campaigns.archive(CORP, "a0000005"); // archived

        DynamoDbDeliveryStore deliveries = new DynamoDbDeliveryStore(aws.dynamoDb(), aws.stack().tableName("SopTable"),
                aws.stack().tableName("SopDispatchTable"));
        Map<String, String> first = tasks(new RunId(CORP, "s1", "launch", "2099-03-06T18:00"),
                Map.of("zhangsan", List.of("wm1", "wm2", "wm3"), "lisi", List.of("wm4", "wm5")));
        Map<String, String> second = tasks(new RunId(CORP, "s2", "d0", "2099-03-07T18:00"),
                Map.of("lisi", List.of("wm6"), "wangwu", List.of("wm7", "wm8", "wm9", "wm10"), "chenqi", List.of("wm11"),
                        "zhaoliu", List.of("wm12")));
        assertThat(deliveries.confirmed(deliveries.task(first.get("zhangsan")).orElseThrow(), now)).isTrue(); // confirmed
        assertThat(deliveries.cancelled(new RunId(CORP, "s2", "d0", "2099-03-07T18:00"), second.get("chenqi"), now)).isTrue(); // cancelled
        assertThat(deliveries.close(deliveries.task(second.get("zhaoliu")).orElseThrow(), DeliveryStore.Closing.WINDOW_ENDED, now))
                .isTrue(); // no longer followed
        // Waiting: lisi (2 + 1 recipients, two tasks) and wangwu (4).

        DynamoDbRfmRepository rfm = new DynamoDbRfmRepository(aws.dynamoDb(), aws.stack().tableName("RfmTable"), null);
        rfmCustomer(rfm, "wmA", new RfmTotals(1, 500, paid(today.minusDays(3))));
        rfmCustomer(rfm, "wmB", new RfmTotals(1, 500, paid(today.minusDays(3))));
        rfmCustomer(rfm, "wmC", new RfmTotals(1, 500, paid(today.minusDays(3))), new RfmTotals(4, 900_000, paid(today.minusDays(1))));

        JsonNode o = get("/admin/overview", null, 200);

        assertThat(o.path("today").asText()).isEqualTo(today.toString());
        // adds, newCustomers, returning, lostByCustomer, lostByStaff, lost, net
        period(o, 0, 1, today, today, 1, 1, 0, 1, 0, 1, 0);
        period(o, 1, 7, today.minusDays(6), today, 3, 3, 0, 1, 1, 2, 1);
        period(o, 2, 30, today.minusDays(29), today, 4, 4, 0, 1, 2, 3, 1);
        assertThat(o.path("referral").path("activeCampaigns").asLong()).isEqualTo(2);
        JsonNode sop = o.path("sop");
        assertThat(sop.path("tasksAwaitingConfirmation").asLong()).isEqualTo(3);
        assertThat(sop.path("senders").asLong()).isEqualTo(2);
        assertThat(sop.path("recipients").asLong()).isEqualTo(2 + 1 + 4);
        JsonNode dist = o.path("rfm");
        assertThat(dist.path("customers").asLong()).isEqualTo(3);
        assertThat(count(dist.path("segments"), "GENERAL_DEVELOP")).isEqualTo(2);
        assertThat(count(dist.path("segments"), "IMPORTANT_VALUE")).isEqualTo(1);
        assertThat(count(dist.path("stages"), "GROWING")).isEqualTo(2);
        assertThat(count(dist.path("stages"), "MATURE")).isEqualTo(1);
        assertThat(dist).isEqualTo(get("/admin/rfm/distribution", null, 200));
        // The same figures as the ranking, summed over its channels and both buckets.
        JsonNode ranking = get("/admin/channels/ranking", null, 200);
        long news = ranking.path("unattributed").path("newCustomers").asLong() + ranking.path("referral").path("newCustomers").asLong();
        for (JsonNode c : ranking.path("channels")) {
            news += c.path("totals").path("newCustomers").asLong();
        }
        assertThat(o.path("periods").get(2).path("totals").path("newCustomers").asLong()).isEqualTo(news);
    }

    @Test
    void anyQueryParameterIs400NamingIt() {
        JsonNode refused = get("/admin/overview", Map.of("days", "7"), 400);
        assertThat(refused.path("error").path("fields").has("days")).isTrue();
        refused = get("/admin/overview", Map.of("from", "2026-01-01", "x", ""), 400);
        assertThat(refused.path("error").path("fields").has("from")).isTrue();
        assertThat(refused.path("error").path("fields").has("x")).isTrue();
    }

    private static void period(JsonNode o, int index, int days, LocalDate from, LocalDate to, long... want) {
        JsonNode p = o.path("periods").get(index);
        assertThat(p.path("days").asInt()).isEqualTo(days);
        assertThat(p.path("from").asText()).isEqualTo(from.toString());
        assertThat(p.path("to").asText()).isEqualTo(to.toString());
        JsonNode t = p.path("totals");
        assertThat(new long[] {t.path("adds").asLong(), t.path("newCustomers").asLong(), t.path("returning").asLong(),
                t.path("lostByCustomer").asLong(), t.path("lostByStaff").asLong(), t.path("lost").asLong(), t.path("net").asLong()})
                .as("%d days (adds, new, returning, lostByCustomer, lostByStaff, lost, net)", days).containsExactly(want);
    }

    private static void channel(DynamoDbChannels channels, String id, Channel.Status status, Instant at) {
        channels.save(new Channel(CORP, id, "channel " + id, List.of("zhang"), true, List.of(), null, null, "cfg-" + id, "qr",
                null, null, status, at, at, "test"));
    }

    private static void add(DynamoDbContactLedger ledger, String customer, String eventId, Instant at, String state) {
        ledger.record(CORP, customer, new ContactFact(eventId, at, Kind.ADD, "zhang", state, null), false);
    }

    private static void remove(DynamoDbContactLedger ledger, String customer, String eventId, Instant at, RemovedBy by) {
        ledger.record(CORP, customer, new ContactFact(eventId, at, Kind.REMOVE, "zhang", null, by), false);
    }

    private static void campaign(DynamoDbReferralCampaigns campaigns, String id, Instant start, Instant end, CampaignStatus status) {
        assertThat(campaigns.create(new Campaign(CORP, id, "campaign " + id, CampaignKind.FRIEND, List.of("zhang"), List.of(3), start, end,
                Duration.ZERO, true, null, status, start, "op", 0))).isTrue();
    }

    /** One task per sender of {@code run}, created at WeCom now, as the planner and the sender leave them; sender → dispatch key. */
    private Map<String, String> tasks(RunId run, Map<String, List<String>> recipients) {
        return SopTasks.created(aws, run, recipients);
    }

    private static void rfmCustomer(DynamoDbRfmRepository rfm, String id, RfmTotals... steps) {
        LocalDate today = LocalDate.now(RfmRules.ZONE);
        Instant now = Instant.now();
        RfmState s = RfmState.empty(CustomerRef.externalUser(id));
        for (RfmTotals t : steps) {
            var profile = RfmRules.evaluate(t, ContactFacts.UNKNOWN, RfmThresholds.DEFAULTS, today);
            var next = s.next(t, profile, today, now, RfmTransition.Reason.ORDER).orElseThrow();
            rfm.commit(CORP, null, List.of(new Change(s, next.state(), next.transition())), now);
            s = next.state();
        }
    }

    private static Instant paid(LocalDate day) {
        return day.atTime(12, 0).atZone(RfmRules.ZONE).toInstant();
    }

    private static long count(JsonNode list, String name) {
        for (JsonNode c : list) {
            if (c.path("name").asText().equals(name)) {
                return c.path("customers").asLong();
            }
        }
        throw new AssertionError(name);
    }
}
