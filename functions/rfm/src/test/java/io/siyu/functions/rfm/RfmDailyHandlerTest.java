package io.siyu.functions.rfm;

import static io.siyu.functions.rfm.RfmTestKit.tagId;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.core.contacts.RelationshipStatus;
import io.siyu.core.orders.CustomerRef;
import io.siyu.core.rfm.LifecycleStage;
import io.siyu.core.rfm.RfmState;
import io.siyu.core.rfm.RfmTransition;
import io.siyu.core.rfm.Segment;
import io.siyu.emulators.LambdaContext;
import io.siyu.lambda.Env;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import io.siyu.testing.StreamRecords;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The daily job: recency decay for exactly the customers whose boundary has come (through the
 * boundary index), catching up missed days, and the unionid join.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class RfmDailyHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    private AwsEmulators aws;
    private RfmTestKit kit;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        this.aws = aws;
        aws.reset();
        RfmTestKit.stubTagApi(aws);
        kit = new RfmTestKit(aws, AwsEmulators.CORP_ID, StreamRecords.of(aws, "OrdersTable"));
        Instant longAgo = Instant.parse("2026-01-01T00:00:00Z");
        for (String c : new String[] {"wmA", "wmB", "wmC"}) {
            kit.contact(c, longAgo, null, Map.of("zhangsan", RelationshipStatus.ACTIVE));
        }
    }

    @AfterEach
    void restore() {
        Env.useProcessEnvironment();
    }

    private static Instant day(String localDate) {
        return LocalDate.parse(localDate).atTime(12, 0).atZone(SHANGHAI).toInstant();
    }

    /** The scheduler's input for the 02:30 run on {@code localDate}. */
    private static Map<String, Object> runOn(String localDate) {
        return Map.of("scheduledTime", LocalDate.parse(localDate).atTime(2, 30).atZone(SHANGHAI).toInstant().toString());
    }

    private void threeCustomers() {
        kit.write(kit.paid("A", "wmA", 120_000, day("2026-11-20"), day("2026-11-20")),  // boundary 2026-12-21
                kit.paid("B", "wmB", 120_000, day("2026-11-01"), day("2026-11-01")),    // boundary 2026-12-02
                kit.paid("C", "wmC", 120_000, day("2026-09-01"), day("2026-09-01")));   // 83 days: R 3, boundary 2026-12-01
        kit.process();
    }

    private RfmState state(String c) {
        return kit.state(c).orElseThrow();
    }

    @Test
    void onlyTheCustomersWhoseBoundaryIsTodayAreRescored() throws Exception {
        threeCustomers();
        assertThat(state("wmC").profile().nextBoundary()).isEqualTo(LocalDate.parse("2026-12-01"));
        long versionA = state("wmA").version();
        long versionB = state("wmB").version();
        int marks = aws.wecomStub().calls("externalcontact/mark_tag");

        Map<String, Object> out = kit.dailyHandler(0).handleRequest(runOn("2026-12-01"), new LambdaContext("rfm-daily", 900));

        assertThat(out).containsEntry("day", "2026-12-01").containsEntry("rescored", 1);
        RfmState c = state("wmC");
        assertThat(c.profile().recencyDays()).isEqualTo(91);
        assertThat(c.profile().scores().recency()).isEqualTo(2);
        assertThat(c.segment()).isEqualTo(Segment.IMPORTANT_RETAIN);
        assertThat(c.stage()).isEqualTo(LifecycleStage.DECLINING);
        assertThat(c.profile().nextBoundary()).isEqualTo(LocalDate.parse("2027-03-01")); // 181 days: R 1
        assertThat(c.settled()).isTrue();
        assertThat(kit.rfm.history(kit.corpId, CustomerRef.externalUser("wmC"), 1, null)).singleElement()
                .satisfies(t -> assertThat(t.reason()).isEqualTo(RfmTransition.Reason.RECENCY));
        assertThat(state("wmA").version()).isEqualTo(versionA);
        assertThat(state("wmB").version()).isEqualTo(versionB);
        assertThat(aws.wecomStub().calls("externalcontact/mark_tag")).isEqualTo(marks + 1);
        assertThat(RfmTestKit.tagsCarried(aws).get("zhangsan/wmC"))
                .containsExactlyInAnyOrder(tagId(Segment.IMPORTANT_RETAIN), tagId(LifecycleStage.DECLINING));
        JsonNode event = JSON.readTree(aws.publishedEvents().get(aws.publishedEvents().size() - 1).detail());
        assertThat(event.path("externalUserId").asText()).isEqualTo("wmC");
        assertThat(event.path("reason").asText()).isEqualTo("RECENCY");
        assertThat(event.path("fromSegment").asText()).isEqualTo("IMPORTANT_DEVELOP");

        // The same run again (the scheduler retried): nobody is due any more, nothing changes.
        assertThat(kit.dailyHandler(0).handleRequest(runOn("2026-12-01"), new LambdaContext("rfm-daily", 900)))
                .containsEntry("rescored", 0);
        assertThat(state("wmC").version()).isEqualTo(c.version());
    }

    @Test
    void daysMissedByEarlierRunsAreCaughtUp() {
        threeCustomers();
        Map<String, Object> out = kit.dailyHandler(7).handleRequest(runOn("2026-12-03"), new LambdaContext("rfm-daily", 900));
        assertThat(out).containsEntry("rescored", 2);
        assertThat(state("wmB").profile().scores().recency()).isEqualTo(4);
        assertThat(state("wmC").profile().scores().recency()).isEqualTo(2);
        assertThat(state("wmA").profile().scores().recency()).isEqualTo(5);
    }

    @Test
    void aNewContactStopsBeingNewOnTheirBoundary() {
        kit.contact("wmNew", Instant.parse("2026-11-13T02:00:00Z"), null, Map.of("zhangsan", RelationshipStatus.ACTIVE));
        kit.write(kit.paid("N1", "wmNew", 1_000, day("2026-11-20"), day("2026-11-20")));
        kit.process();
        assertThat(state("wmNew").stage()).isEqualTo(LifecycleStage.NEW);
        assertThat(state("wmNew").profile().nextBoundary()).isEqualTo(LocalDate.parse("2026-12-14")); // 31 days after the add

        kit.dailyHandler(0).handleRequest(runOn("2026-12-14"), new LambdaContext("rfm-daily", 900));

        assertThat(state("wmNew").stage()).isEqualTo(LifecycleStage.GROWING);
        assertThat(state("wmNew").profile().nextBoundary()).isEqualTo(LocalDate.parse("2026-12-21"));
    }

    @Test
    void aCustomerKnownOnlyByUnionIdIsJoinedOnceTheContactsHaveThem() {
        CustomerRef union = CustomerRef.unionId("oUnionOnly");
        kit.write(RfmTestKit.paid(kit.corpId, "U1", union, 80_000, day("2026-11-10"), day("2026-11-10")),
                RfmTestKit.paid(kit.corpId, "U2", union, 30_000, day("2026-11-18"), day("2026-11-18")));
        kit.process();
        assertThat(kit.state(union).orElseThrow().totals().paidOrders()).isEqualTo(2);
        assertThat(kit.rfm.unresolved(kit.corpId)).containsExactly(union);
        assertThat(aws.wecomStub().calls("externalcontact/mark_tag")).isZero();

        assertThat(kit.dailyHandler(0).handleRequest(runOn("2026-11-24"), null)).containsEntry("ordersMoved", 0);

        kit.contact("wmJoined", Instant.parse("2026-01-01T00:00:00Z"), "oUnionOnly", Map.of("lisi", RelationshipStatus.ACTIVE));
        assertThat(kit.dailyHandler(0).handleRequest(runOn("2026-11-25"), null)).containsEntry("ordersMoved", 2);
        kit.process(); // the moves arrive on the stream like any other order change

        assertThat(kit.state(union).orElseThrow().totals().paidOrders()).isZero();
        RfmState joined = state("wmJoined");
        assertThat(joined.totals().paidOrders()).isEqualTo(2);
        assertThat(joined.totals().paidFen()).isEqualTo(110_000);
        assertThat(joined.totals().lastPaidAt()).isEqualTo(day("2026-11-18"));
        assertThat(kit.rfm.unresolved(kit.corpId)).isEmpty();
        assertThat(RfmTestKit.tagsCarried(aws).get("lisi/wmJoined")).containsExactlyInAnyOrder(tagId(joined.segment()), tagId(joined.stage()));
        var d = kit.rfm.distribution(kit.corpId);
        assertThat(d.segments().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1);
    }

    @Test
    void theDeployedHandlerScoresTheScheduledDay() {
        threeCustomers();
        Env.use(aws.environmentOf("RfmDailyFunction"));
        @SuppressWarnings("unchecked")
        Map<String, Object> input = EventLoader.loadEvent("scheduler/rfm-daily.json", Map.class);

        Map<String, Object> out = new RfmDailyHandler().handleRequest(input, new LambdaContext("rfm-daily", 900));

        // 2026-12-21T18:30Z is 02:30 on the 22nd in Shanghai; the boundaries of all three (1, 2 and 21 December) lie within the 31 catch-up days.
        assertThat(out).containsEntry("day", "2026-12-22").containsEntry("rescored", 3);
        assertThat(state("wmA").profile().scores().recency()).isEqualTo(4);
    }
}
