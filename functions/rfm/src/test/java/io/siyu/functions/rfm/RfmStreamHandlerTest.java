package io.siyu.functions.rfm;

import static io.siyu.functions.rfm.RfmTestKit.NOW;
import static io.siyu.functions.rfm.RfmTestKit.tagId;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.core.contacts.RelationshipStatus;
import io.siyu.core.orders.CustomerRef;
import io.siyu.core.orders.Order;
import io.siyu.core.orders.OrderStatus;
import io.siyu.core.rfm.LifecycleStage;
import io.siyu.core.rfm.RfmRepository;
import io.siyu.core.rfm.RfmScores;
import io.siyu.core.rfm.RfmState;
import io.siyu.core.rfm.Segment;
import io.siyu.dynamodb.DynamoDbRfmRepository;
import io.siyu.emulators.LambdaContext;
import io.siyu.lambda.Env;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import io.siyu.testing.PublishedEvent;
import io.siyu.testing.StreamRecords;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Orders stream through the rfm handler against the emulated tables, bus and WeCom: real
 * order writes, the emulator's real stream records, the handler as the template configures it
 * (with a fixed clock).
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class RfmStreamHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALICE = "wmAliceAAAAAAAAAAAAAAAAAAAAAAA";
    private static final Instant ADDED = Instant.parse("2026-09-01T02:00:00Z");

    private AwsEmulators aws;
    private RfmTestKit kit;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        this.aws = aws;
        aws.reset();
        RfmTestKit.stubTagApi(aws);
        kit = new RfmTestKit(aws, AwsEmulators.CORP_ID, StreamRecords.of(aws, "OrdersTable"));
        Map<String, RelationshipStatus> staff = new LinkedHashMap<>();
        staff.put("zhangsan", RelationshipStatus.ACTIVE);
        staff.put("lisi", RelationshipStatus.ACTIVE);
        staff.put("wangwu", RelationshipStatus.LOST);
        kit.contact(ALICE, ADDED, null, staff);
    }

    @AfterEach
    void restore() {
        Env.useProcessEnvironment();
    }

    private static Instant day(String localDate) {
        return LocalDate.parse(localDate).atTime(12, 0).atZone(java.time.ZoneId.of("Asia/Shanghai")).toInstant();
    }

    private Order paid(String orderId, long fen, String paidDay) {
        return kit.paid(orderId, ALICE, fen, day(paidDay), day(paidDay));
    }

    private Order refunded(Order o, Instant updatedAt) {
        return RfmTestKit.order(o.corpId(), o.orderId(), o.customer(), OrderStatus.REFUNDED, o.amountFen(), o.amountFen(),
                o.paidAt(), updatedAt);
    }

    private List<PublishedEvent> rfmEvents() {
        return aws.publishedEvents().stream().filter(e -> e.source().equals("siyu.rfm")).toList();
    }

    private RfmState alice() {
        return kit.state(ALICE).orElseThrow();
    }

    @Test
    void aPaidOrderScoresTheCustomerTagsEveryActiveStaffMemberAndPublishesOnce() throws Exception {
        kit.write(paid("O1", 50_000, "2026-11-20"));
        kit.process();

        RfmState s = alice();
        assertThat(s.totals().paidOrders()).isEqualTo(1);
        assertThat(s.totals().paidFen()).isEqualTo(50_000);
        assertThat(s.totals().lastPaidAt()).isEqualTo(day("2026-11-20"));
        // 3 days ago: R 5; one order: F 1; ¥500: M 3. R and M high, F low: 重要发展客户. Added 83 days ago, not new: 成长期.
        assertThat(s.profile().scores()).isEqualTo(new RfmScores(5, 1, 3));
        assertThat(s.segment()).isEqualTo(Segment.IMPORTANT_DEVELOP);
        assertThat(s.stage()).isEqualTo(LifecycleStage.GROWING);
        assertThat(s.profile().nextBoundary()).isEqualTo(LocalDate.parse("2026-12-21")); // 31 days after the order R drops to 4
        assertThat(s.settled()).isTrue();

        assertThat(aws.wecomStub().calls("externalcontact/add_corp_tag")).isEqualTo(2);
        List<JsonNode> marks = aws.wecomStub().bodies("externalcontact/mark_tag");
        assertThat(marks).extracting(m -> m.path("userid").asText()).containsExactlyInAnyOrder("zhangsan", "lisi");
        JsonNode mark = marks.get(0);
        assertThat(mark.path("external_userid").asText()).isEqualTo(ALICE);
        assertThat(RfmTestKit.texts(mark.path("add_tag"))).containsExactly(tagId(Segment.IMPORTANT_DEVELOP), tagId(LifecycleStage.GROWING));
        assertThat(RfmTestKit.texts(mark.path("remove_tag"))).hasSize(7 + 4)
                .doesNotContain(tagId(Segment.IMPORTANT_DEVELOP), tagId(LifecycleStage.GROWING));

        assertThat(rfmEvents()).singleElement().satisfies(e -> {
            assertThat(e.detailType()).isEqualTo("RfmSegmentChanged");
            assertThat(e.eventBusName()).isEqualTo("siyu");
        });
        JsonNode detail = JSON.readTree(rfmEvents().get(0).detail());
        assertThat(detail.path("externalUserId").asText()).isEqualTo(ALICE);
        assertThat(detail.has("fromSegment")).isFalse();
        assertThat(detail.path("toSegment").asText()).isEqualTo("IMPORTANT_DEVELOP");
        assertThat(detail.path("toStage").asText()).isEqualTo("GROWING");
        assertThat(detail.path("recencyScore").asInt()).isEqualTo(5);
        assertThat(detail.path("reason").asText()).isEqualTo("ORDER");
        assertThat(detail.path("corpId").asText()).isEqualTo(AwsEmulators.CORP_ID);

        RfmRepository.Distribution d = kit.rfm.distribution(AwsEmulators.CORP_ID);
        assertThat(d.segments().get(Segment.IMPORTANT_DEVELOP)).isEqualTo(1);
        assertThat(d.stages().get(LifecycleStage.GROWING)).isEqualTo(1);
        assertThat(d.segments().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1);
        assertThat(kit.rfm.history(AwsEmulators.CORP_ID, CustomerRef.externalUser(ALICE), 10, null))
                .singleElement().satisfies(t -> assertThat(t.toSegment()).isEqualTo(Segment.IMPORTANT_DEVELOP));
    }

    @Test
    void anOrderThatChangesNeitherSegmentNorStageMakesNoWeComCallAndNoEvent() {
        kit.write(paid("O1", 50_000, "2026-11-20"));
        kit.process();
        int marks = aws.wecomStub().calls("externalcontact/mark_tag");

        kit.write(paid("O2", 100, "2026-11-21")); // F 2 (still low), M 50,100 (still 3)
        kit.process();

        assertThat(alice().totals().paidOrders()).isEqualTo(2);
        assertThat(alice().profile().scores()).isEqualTo(new RfmScores(5, 2, 3));
        assertThat(aws.wecomStub().calls("externalcontact/mark_tag")).isEqualTo(marks);
        assertThat(aws.wecomStub().calls("externalcontact/add_corp_tag")).isEqualTo(2);
        assertThat(rfmEvents()).hasSize(1);
    }

    @Test
    void aRefundOfTheLatestOrderFallsBackToThePreviousPaidOrder() {
        Order older = paid("O1", 60_000, "2026-06-01");  // 175 days ago
        Order middle = paid("O2", 5_000, "2026-08-01");
        Order latest = paid("O3", 40_000, "2026-11-20");
        kit.write(older, middle, latest);
        kit.process();
        assertThat(alice().totals().lastPaidAt()).isEqualTo(day("2026-11-20"));
        assertThat(alice().segment()).isEqualTo(Segment.IMPORTANT_VALUE); // R 5, F 3, M 105,000 -> 4

        // The middle order is refunded first: not the latest, the last paid time stays.
        kit.write(refunded(middle, day("2026-11-21")));
        kit.process();
        assertThat(alice().totals().lastPaidAt()).isEqualTo(day("2026-11-20"));

        // Now the latest: recency falls back to the latest order still paid, the 1 June one (the
        // refunded 1 August one is skipped although it was paid later).
        kit.write(refunded(latest, day("2026-11-22")));
        kit.process();
        RfmState s = alice();
        assertThat(s.totals().paidOrders()).isEqualTo(1);
        assertThat(s.totals().paidFen()).isEqualTo(60_000);
        assertThat(s.totals().lastPaidAt()).isEqualTo(day("2026-06-01"));
        assertThat(s.profile().recencyDays()).isEqualTo(175);
        assertThat(s.profile().scores().recency()).isEqualTo(2);
        assertThat(s.segment()).isEqualTo(Segment.IMPORTANT_RETAIN);
        assertThat(s.stage()).isEqualTo(LifecycleStage.DECLINING);
        assertThat(s.profile().nextBoundary()).isEqualTo(LocalDate.parse("2026-11-29")); // 181 days after 1 June: R 1
        assertThat(RfmTestKit.tagsCarried(aws).get("zhangsan/" + ALICE))
                .containsExactlyInAnyOrder(tagId(Segment.IMPORTANT_RETAIN), tagId(LifecycleStage.DECLINING));
    }

    @Test
    void aPartialRefundOfTheLatestOrderKeepsItsPaidTimeAndLowersM() {
        Order latest = paid("O1", 120_000, "2026-11-20");
        kit.write(latest);
        kit.process();
        kit.write(RfmTestKit.order(latest.corpId(), "O1", latest.customer(), OrderStatus.PARTIALLY_REFUNDED, 120_000, 80_000,
                latest.paidAt(), day("2026-11-22")));
        kit.process();
        RfmState s = alice();
        assertThat(s.totals()).extracting(t -> t.paidOrders(), t -> t.paidFen(), t -> t.lastPaidAt())
                .containsExactly(1L, 40_000L, day("2026-11-20"));
        assertThat(s.profile().scores().monetary()).isEqualTo(2);
    }

    @Test
    void aRedeliveredBatchIsAppliedOnce() {
        kit.write(paid("O1", 50_000, "2026-11-20"), paid("O2", 700_000, "2026-10-01"));
        kit.write(refunded(paid("O2", 700_000, "2026-10-01"), day("2026-11-21")));
        kit.write(paid("O3", 3_000, "2026-11-22"));
        List<DynamodbStreamRecord> records = kit.process();
        assertThat(records).hasSize(4);
        RfmState once = alice();
        int marks = aws.wecomStub().calls("externalcontact/mark_tag");
        int events = rfmEvents().size();
        var distribution = kit.rfm.distribution(AwsEmulators.CORP_ID);

        // Lambda delivers the whole batch again (a timeout after the work was done), then again
        // from its second record (a retry after a reported failure), then bisected halves.
        for (List<DynamodbStreamRecord> again : List.of(records, records.subList(1, 4), records.subList(0, 2), records.subList(2, 4))) {
            StreamsEventResponse r = kit.deliver(again);
            assertThat(r.getBatchItemFailures()).isEmpty();
        }

        RfmState after = alice();
        assertThat(after.totals()).isEqualTo(once.totals());
        assertThat(after.totals().paidOrders()).isEqualTo(2);
        assertThat(after.totals().paidFen()).isEqualTo(53_000);
        assertThat(after.version()).isEqualTo(once.version());
        assertThat(aws.wecomStub().calls("externalcontact/mark_tag")).isEqualTo(marks);
        assertThat(rfmEvents()).hasSize(events);
        assertThat(kit.rfm.distribution(AwsEmulators.CORP_ID)).isEqualTo(distribution);
    }

    @Test
    void whenTaggingFailsTheBatchIsRedeliveredFromTheCustomersFirstRecordAndAppliedOnce() {
        aws.wecomStub().error("externalcontact/mark_tag", -1, "system busy");
        kit.write(paid("O1", 50_000, "2026-11-20"), paid("O2", 1_000, "2026-11-21"));
        List<DynamodbStreamRecord> records = kit.records();

        StreamsEventResponse first = kit.deliver(records);
        assertThat(first.getBatchItemFailures()).singleElement().satisfies(f -> assertThat(f.getItemIdentifier())
                .isEqualTo(records.get(0).getDynamodb().getSequenceNumber()));
        RfmState applied = alice();
        assertThat(applied.totals().paidOrders()).isEqualTo(2);
        assertThat(applied.settled()).isFalse();
        assertThat(rfmEvents()).isEmpty(); // tags first: nothing is published before WeCom has them

        aws.wecomStub().ok("externalcontact/mark_tag");
        assertThat(kit.deliver(records).getBatchItemFailures()).isEmpty();

        RfmState settled = alice();
        assertThat(settled.totals()).isEqualTo(applied.totals());
        assertThat(settled.settled()).isTrue();
        assertThat(rfmEvents()).hasSize(1);
        assertThat(RfmTestKit.tagsCarried(aws).get("lisi/" + ALICE))
                .containsExactlyInAnyOrder(tagId(settled.segment()), tagId(settled.stage()));
    }

    @Test
    void aDeletedOrderStopsCountingAndTakesTheTagsOff() throws Exception {
        kit.write(paid("O1", 50_000, "2026-11-20"));
        kit.process();
        kit.delete("O1");
        kit.process();

        RfmState s = alice();
        assertThat(s.totals().paidOrders()).isZero();
        assertThat(s.segment()).isNull();
        assertThat(s.stage()).isNull();
        assertThat(s.settled()).isTrue();
        assertThat(RfmTestKit.tagsCarried(aws).get("zhangsan/" + ALICE)).isEmpty();
        var d = kit.rfm.distribution(AwsEmulators.CORP_ID);
        assertThat(d.segments().values()).allMatch(n -> n == 0);
        assertThat(d.stages().values()).allMatch(n -> n == 0);
        JsonNode last = JSON.readTree(rfmEvents().get(rfmEvents().size() - 1).detail());
        assertThat(last.path("fromSegment").asText()).isEqualTo("IMPORTANT_DEVELOP");
        assertThat(last.has("toSegment")).isFalse();
    }

    @Test
    void cancelledAndRefundedOrdersCountForNothing() {
        kit.write(RfmTestKit.order(kit.corpId, "C1", CustomerRef.externalUser(ALICE), OrderStatus.CANCELLED, 9_000, 0, null, day("2026-11-20")));
        kit.process();
        assertThat(kit.state(ALICE)).isEmpty();
        assertThat(aws.wecomStub().calls("externalcontact/mark_tag")).isZero();
        assertThat(aws.wecomStub().calls("gettoken")).isZero();
    }

    @Test
    void staffWhoseRelationshipWeComNoLongerKnowsAreSkipped() {
        aws.wecomStub().server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(
                        com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/cgi-bin/externalcontact/mark_tag"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("lisi")).atPriority(1)
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson("{\"errcode\":84061,\"errmsg\":\"not external contact\"}")));
        kit.write(paid("O1", 50_000, "2026-11-20"));
        kit.process();
        assertThat(alice().settled()).isTrue();
        assertThat(RfmTestKit.tagsCarried(aws).get("zhangsan/" + ALICE)).hasSize(2);
    }

    @Test
    void tagsDeletedInWeComAreCreatedAgain() {
        kit.write(paid("O1", 50_000, "2026-11-20"));
        kit.process();
        assertThat(aws.wecomStub().calls("externalcontact/add_corp_tag")).isEqualTo(2);

        aws.wecomStub().sequence("externalcontact/mark_tag", "{\"errcode\":40068,\"errmsg\":\"invalid tagid\"}",
                "{\"errcode\":0,\"errmsg\":\"ok\"}");
        kit.write(paid("O2", 900_000, "2026-11-21")); // M 5: still 重要发展, F 2: no; R 5 -> segment same; stage same
        kit.write(paid("O3", 900_000, "2026-11-22")); // F 3: high -> 重要价值客户, 成熟期
        List<DynamodbStreamRecord> records = kit.records();
        assertThat(kit.deliver(records).getBatchItemFailures()).hasSize(1);
        assertThat(kit.rfm.wecomTagIds(AwsEmulators.CORP_ID)).isEmpty();
        assertThat(kit.deliver(records).getBatchItemFailures()).isEmpty();
        assertThat(aws.wecomStub().calls("externalcontact/add_corp_tag")).isEqualTo(4);
        assertThat(alice().segment()).isEqualTo(Segment.IMPORTANT_VALUE);
        assertThat(alice().settled()).isTrue();
    }

    @Test
    void anUnreadableRecordIsReportedAndTheRecordsAfterItWait() {
        kit.write(paid("O1", 50_000, "2026-11-20"), paid("O2", 1_000, "2026-11-21"));
        List<DynamodbStreamRecord> records = new ArrayList<>(kit.records());
        DynamodbStreamRecord broken = new DynamodbStreamRecord();
        broken.setEventID("broken");
        broken.setEventName("MODIFY");
        var body = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord();
        body.setSequenceNumber("999");
        body.setKeys(Map.of());
        broken.setDynamodb(body);
        records.add(1, broken);

        StreamsEventResponse r = kit.deliver(records);
        assertThat(r.getBatchItemFailures()).singleElement().satisfies(f -> assertThat(f.getItemIdentifier()).isEqualTo("999"));
        assertThat(alice().totals().paidOrders()).isEqualTo(1);
    }

    @Test
    void aCustomerChangedByAnotherShardMeanwhileIsReadAgainAndCountedOnce() {
        kit.write(paid("O1", 50_000, "2026-11-20"));
        kit.process();
        kit.write(paid("O2", 1_000, "2026-11-21"));
        List<DynamodbStreamRecord> records = kit.records();

        // Between this record's read and its commit, another shard's settle moves Alice's record.
        DynamoDbRfmRepository real = kit.rfm;
        var marked = new java.util.concurrent.atomic.AtomicBoolean();
        RfmRepository racing = (RfmRepository) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RfmRepository.class}, (proxy, method, args) -> {
                    if (method.getName().equals("commit") && marked.compareAndSet(false, true)) {
                        real.settle(kit.corpId, real.state(kit.corpId, CustomerRef.externalUser(ALICE)).orElseThrow(), NOW);
                    }
                    try {
                        return method.invoke(racingTarget(), args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        RfmService service = serviceWith(racing);
        service.applyBatch(records.stream().map(StreamImages::change).toList());
        assertThat(marked).isTrue();
        assertThat(alice().totals().paidOrders()).isEqualTo(2);
        assertThat(alice().totals().paidFen()).isEqualTo(51_000);
    }

    private RfmRepository racingTarget() {
        return new DynamoDbRfmRepository(aws.dynamoDb(), aws.stack().tableName("RfmTable"),
                new io.siyu.dynamodb.DynamoDbIdempotencyStore(aws.dynamoDb(), aws.stack().tableName("IdempotencyTable"),
                        java.time.Duration.ZERO, RfmConfig.MARKER_RETENTION));
    }

    private RfmService serviceWith(RfmRepository repository) {
        var contacts = new io.siyu.dynamodb.DynamoDbContactDirectory(aws.dynamoDb(), aws.stack().tableName("ContactsTable"));
        var wecom = new io.siyu.wecom.api.ExternalContactApi(io.siyu.wecom.api.WeComClient.create(
                java.net.URI.create(aws.wecom().baseUrl()), kit.corpId, () -> AwsEmulators.WECOM_SECRET, java.time.Duration.ofSeconds(2)));
        return new RfmService(kit.corpId, repository, kit.orders, contacts,
                new RfmTags(kit.corpId, wecom, contacts, repository, RfmTestKit.CLOCK),
                new io.siyu.eventbus.EventBridgePublisher(aws.eventBridge(), aws.stack().ref("SiyuEventBus")), RfmTestKit.CLOCK);
    }

    @Test
    void theLambdaEventJsonOfTheOrdersStreamIsAppliedByTheDeployedHandler() {
        Env.use(aws.environmentOf("RfmFunction"));
        RfmStreamHandler deployed = new RfmStreamHandler();
        DynamodbEvent event = EventLoader.loadDynamoDbEvent("dynamodb/orders-stream.json");

        StreamsEventResponse r = deployed.handleRequest(event, new LambdaContext("rfm", 60));

        assertThat(r.getBatchItemFailures()).isEmpty();
        RfmState s = kit.state("woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA").orElseThrow();
        assertThat(s.totals().paidOrders()).isEqualTo(1);
        assertThat(s.totals().paidFen()).isEqualTo(10_000); // 12,900 less the 2,900 refunded; the cancelled order never counted
        assertThat(s.totals().lastPaidAt()).isEqualTo(Instant.ofEpochMilli(1795140930000L));
        assertThat(deployed.handleRequest(event, new LambdaContext("rfm", 60)).getBatchItemFailures()).isEmpty();
        assertThat(kit.state("woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA").orElseThrow().totals()).isEqualTo(s.totals());
    }

    @Test
    void theSegmentTagGroupsHoldTheDocumentedNames() {
        assertThat(Arrays.stream(Segment.values()).map(Segment::label)).containsExactly("重要价值客户", "重要发展客户",
                "重要保持客户", "重要挽留客户", "一般价值客户", "一般发展客户", "一般保持客户", "一般挽留客户");
        kit.write(paid("O1", 50_000, "2026-11-20"));
        kit.process();
        List<JsonNode> adds = aws.wecomStub().bodies("externalcontact/add_corp_tag");
        assertThat(adds).extracting(a -> a.path("group_name").asText()).containsExactly(RfmTags.SEGMENT_GROUP, RfmTags.STAGE_GROUP);
        assertThat(adds.get(1).path("tag")).extracting(t -> t.path("name").asText())
                .containsExactly("引入期", "成长期", "成熟期", "衰退期", "流失期");
        assertThat(kit.rfm.wecomTagIds(AwsEmulators.CORP_ID)).hasSize(13).containsEntry("重要价值客户", "etSEG0");
        assertThat(Set.copyOf(kit.rfm.wecomTagIds(AwsEmulators.CORP_ID).values())).hasSize(13);
    }
}
