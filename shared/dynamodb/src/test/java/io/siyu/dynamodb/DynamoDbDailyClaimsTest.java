package io.siyu.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.core.sop.ChainSource;
import io.siyu.core.sop.ChatType;
import io.siyu.core.sop.DailyClaims;
import io.siyu.core.sop.DailyClaims.Claim;
import io.siyu.core.sop.DailyClaims.Deferral;
import io.siyu.core.sop.DayCounters;
import io.siyu.core.sop.RunId;
import io.siyu.core.sop.SopTime;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The per-recipient-per-day claims, deferred recipients and per-day figures over DynamoDB Local. */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class DynamoDbDailyClaimsTest {

    private static final String CORP = AwsEmulators.CORP_ID;
    private static final LocalDate DAY = LocalDate.parse("2026-03-06");
    private static final RunId RUN = new RunId(CORP, "sop1", "s1", "2026-03-06T18:00");
    private static final RunId OTHER = new RunId(CORP, "sop2", "s1", "2026-03-06T20:00");

    private AwsEmulators aws;
    private String dispatchTable;
    private String sopTable;
    private DynamoDbDailyClaims claims;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        this.aws = aws;
        aws.reset();
        sopTable = aws.stack().tableName("SopTable");
        dispatchTable = aws.stack().tableName("SopDispatchTable");
        claims = new DynamoDbDailyClaims(aws.dynamoDb(), sopTable, dispatchTable, 4);
    }

    private static Claim claim(String id, LocalDate day, RunId run, String sender) {
        return new Claim(ChatType.SINGLE, id, day, DailyClaims.owner(run, sender));
    }

    @Test
    void theSameOwnerClaimsAgainAnotherOwnerIsRefused() {
        assertThat(claims.claim(CORP, List.of(claim("wm1", DAY, RUN, "zhangsan")))).containsExactly(true);
        assertThat(claims.claim(CORP, List.of(claim("wm1", DAY, RUN, "zhangsan")))).as("a retried page").containsExactly(true);
        assertThat(claims.claim(CORP, List.of(claim("wm1", DAY, OTHER, "zhangsan")))).as("another SOP").containsExactly(false);
        assertThat(claims.claim(CORP, List.of(claim("wm1", DAY, RUN, "lisi")))).as("the same run through another sender")
                .containsExactly(false);
        assertThat(claims.claim(CORP, List.of(claim("wm1", DAY.plusDays(1), OTHER, "zhangsan")))).as("another day").containsExactly(true);
        assertThat(claims.claim(CORP, List.of(new Claim(ChatType.GROUP, "wm1", DAY, DailyClaims.owner(OTHER, "zhangsan")))))
                .as("groups and customers count apart").containsExactly(true);
    }

    @Test
    void aClaimExpiresAFewDaysAfterItsDay() {
        claims.claim(CORP, List.of(claim("wm1", DAY, RUN, "zhangsan")));
        Map<String, AttributeValue> item = aws.dynamoDb().getItem(b -> b.tableName(dispatchTable)
                .key(DynamoDbDailyClaims.claimKey(CORP, ChatType.SINGLE, "wm1", DAY))).item();
        assertThat(item.get("owner").s()).isEqualTo(RUN.key() + "#zhangsan");
        long expected = SopTime.startOfDay(DAY.plusDays(1)).plus(DynamoDbDailyClaims.KEEP_AFTER_DAY).getEpochSecond();
        assertThat(item.get(DispatchItems.EXPIRES_AT).n()).isEqualTo(Long.toString(expected));
    }

    @Test
    void manyClaimsAtOnceAnswerInOrder() {
        List<Claim> first = IntStream.range(0, 300).filter(i -> i % 3 == 0).mapToObj(i -> claim("wm" + i, DAY, OTHER, "lisi")).toList();
        assertThat(claims.claim(CORP, first)).containsOnly(true);
        List<Claim> all = IntStream.range(0, 300).mapToObj(i -> claim("wm" + i, DAY, RUN, "zhangsan")).toList();
        List<Boolean> held = claims.claim(CORP, all);
        for (int i = 0; i < 300; i++) {
            assertThat(held.get(i)).as("wm%d", i).isEqualTo(i % 3 != 0);
        }
    }

    @Test
    void deferredRecipientsArePagedPerRunAndMinute() {
        Instant nine = SopTime.instant(LocalDateTime.parse("2026-03-07T09:00"));
        List<Deferral> many = new ArrayList<>();
        IntStream.range(0, 60).forEach(i -> many.add(new Deferral(i % 2 == 0 ? "zhangsan" : "lisi", String.format("wm%02d", i))));
        claims.defer(RUN, nine, many);
        claims.defer(RUN, nine, many.subList(0, 5)); // a retried page writes the same items
        claims.defer(OTHER, nine, List.of(new Deferral("wangwu", "wmX")));
        claims.defer(OTHER, nine.plusSeconds(60), List.of(new Deferral("wangwu", "wmY")));

        assertThat(claims.deferredRuns(CORP, nine)).containsExactlyInAnyOrder(RUN, OTHER);
        List<Deferral> read = new ArrayList<>();
        String after = null;
        do {
            DailyClaims.DeferredPage page = claims.deferred(RUN, nine, after, 25);
            read.addAll(page.deferrals());
            after = page.next();
            assertThat(page.positions()).hasSameSizeAs(page.deferrals());
        } while (after != null);
        assertThat(read).containsExactlyInAnyOrderElementsOf(many);
        assertThat(claims.deferred(OTHER, nine, null, 25).deferrals()).containsExactly(new Deferral("wangwu", "wmX"));
        assertThat(new ChainSource.Deferred(nine).id()).isEqualTo("D:2026-03-07T09:00");
    }

    @Test
    void dayFiguresAreReadBetweenTwoDays() {
        var u = DynamoDbDailyClaims.dayUpdate(new DayCounters(3, 1, 2, 4));
        for (LocalDate d : List.of(DAY.minusDays(1), DAY, DAY.plusDays(1), DAY.plusDays(5))) {
            aws.dynamoDb().updateItem(b -> b.tableName(sopTable).key(DynamoDbDailyClaims.dayKey(CORP, d)).updateExpression(u.expression())
                    .expressionAttributeNames(u.names()).expressionAttributeValues(u.values()));
        }
        assertThat(claims.days(CORP, DAY, DAY.plusDays(1))).extracting(DailyClaims.Day::day).containsExactly(DAY, DAY.plusDays(1));
        assertThat(claims.days(CORP, DAY, DAY).get(0).counters()).isEqualTo(new DayCounters(3, 1, 2, 4));
    }
}
