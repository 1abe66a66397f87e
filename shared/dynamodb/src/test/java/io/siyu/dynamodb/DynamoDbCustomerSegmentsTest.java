package io.siyu.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.core.orders.CustomerRef;
import io.siyu.core.rfm.LifecycleStage;
import io.siyu.core.rfm.RfmProfile;
import io.siyu.core.rfm.RfmScores;
import io.siyu.core.rfm.RfmState;
import io.siyu.core.rfm.RfmTotals;
import io.siyu.core.rfm.Segment;
import io.siyu.core.sop.CustomerSegments;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class DynamoDbCustomerSegmentsTest {

    private static final String CORP = AwsEmulators.CORP_ID;
    private static final Instant NOW = Instant.parse("2026-11-23T02:00:00Z");

    private DynamoDbClient dynamoDb;
    private String table;
    private DynamoDbCustomerSegments segments;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        aws.reset();
        dynamoDb = aws.dynamoDb();
        table = aws.stack().tableName("RfmTable");
        segments = new DynamoDbCustomerSegments(dynamoDb, table);
    }

    @Test
    void readsEachCustomersSegmentAndStageAndLeavesOutCustomersWithoutStanding() {
        store(scored(CustomerRef.externalUser("wmA"), Segment.IMPORTANT_VALUE, LifecycleStage.MATURE));
        store(scored(CustomerRef.externalUser("wmB"), Segment.GENERAL_RETAIN, LifecycleStage.LOST));
        // Every paid order refunded: the record stays, with no standing.
        store(new RfmState(CustomerRef.externalUser("wmC"), RfmTotals.NONE, null, null, null, null, List.of(), 3));
        // Same id, but known by unionid only: not this external_userid's record.
        store(scored(CustomerRef.unionId("wmD"), Segment.IMPORTANT_KEEP, LifecycleStage.GROWING));

        Map<String, CustomerSegments.Segment> found = segments.segments(CORP, List.of("wmA", "wmB", "wmC", "wmD", "wmNobody", "wmA"));

        assertThat(found).containsOnly(
                Map.entry("wmA", new CustomerSegments.Segment("IMPORTANT_VALUE", "MATURE")),
                Map.entry("wmB", new CustomerSegments.Segment("GENERAL_RETAIN", "LOST")));
    }

    @Test
    void aPageLargerThanOneBatchGetIsReadInFull() {
        List<String> ids = new ArrayList<>();
        IntStream.range(0, 250).forEach(i -> {
            String id = "wm" + i;
            ids.add(id);
            if (i % 2 == 0) {
                store(scored(CustomerRef.externalUser(id), Segment.GENERAL_DEVELOP, LifecycleStage.GROWING));
            }
        });

        Map<String, CustomerSegments.Segment> found = segments.segments(CORP, ids);

        assertThat(found).hasSize(125);
        assertThat(found.keySet()).allSatisfy(id -> assertThat(Integer.parseInt(id.substring(2)) % 2).isZero());
    }

    @Test
    void anotherCorpsRecordsAreNotRead() {
        store(scored(CustomerRef.externalUser("wmA"), Segment.IMPORTANT_VALUE, LifecycleStage.MATURE));
        assertThat(segments.segments("wwOtherCorp", List.of("wmA"))).isEmpty();
        assertThat(segments.segments(CORP, List.of())).isEmpty();
    }

    private static RfmState scored(CustomerRef who, Segment segment, LifecycleStage stage) {
        RfmProfile profile = new RfmProfile(12, new RfmScores(3, 2, 4), segment, stage, LocalDate.parse("2026-12-01"));
        return new RfmState(who, new RfmTotals(2, 12_000, NOW.minusSeconds(86_400 * 12)), profile,
                LocalDate.parse("2026-11-23"), null, null, List.of(), 1);
    }

    private void store(RfmState state) {
        dynamoDb.putItem(b -> b.tableName(table).item(RfmItems.stateItem(CORP, state, NOW)));
    }
}
