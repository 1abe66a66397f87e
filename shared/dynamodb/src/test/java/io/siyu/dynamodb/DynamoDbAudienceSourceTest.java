package io.siyu.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.core.contacts.RelationshipStatus;
import io.siyu.core.sop.AudienceSource.Member;
import io.siyu.core.sop.AudienceSource.Page;
import io.siyu.core.sop.SopTime;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class DynamoDbAudienceSourceTest {

    private static final String CORP = AwsEmulators.CORP_ID;
    private ContactSeeder seeder;
    private DynamoDbAudienceSource source;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        aws.reset();
        String table = aws.stack().tableName("ContactsTable");
        seeder = new ContactSeeder(aws.dynamoDb(), table, CORP);
        source = new DynamoDbAudienceSource(aws.dynamoDb(), table);
    }

    @Test
    void theCorpZoneIsTheContactsIndexZone() {
        assertThat(SopTime.ZONE).isEqualTo(ContactItems.CORP_ZONE);
    }

    @Test
    void aStaffMembersCustomersArePagedAndCanResumeAfterAnyMember() {
        Instant t = Instant.parse("2026-03-01T02:00:00Z");
        seeder.putAll(IntStream.range(0, 7).mapToObj(i -> seeder.active("wm" + i, "zhangsan", t)).toList());
        seeder.put(seeder.active("wm9", "lisi", t),
                ContactSeeder.relationship(CORP, "wm8", "zhangsan", RelationshipStatus.LOST, "ch1", Set.of("vip"), t));

        List<Member> all = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            Page page = source.staffCustomers(CORP, "zhangsan", after, 3);
            all.addAll(page.members());
            after = page.next();
            pages++;
        } while (after != null);
        assertThat(all).extracting(Member::externalUserId).containsExactly("wm0", "wm1", "wm2", "wm3", "wm4", "wm5", "wm6", "wm8");
        assertThat(pages).isBetween(3, 4);
        Member lost = all.get(7);
        assertThat(lost.status()).isEqualTo(RelationshipStatus.LOST);
        assertThat(lost.channelId()).isEqualTo("ch1");
        assertThat(lost.tagIds()).containsExactly("vip");
        assertThat(lost.addedAt()).isEqualTo(t);
        assertThat(lost.userId()).isEqualTo("zhangsan");

        Page resumed = source.staffCustomers(CORP, "zhangsan", all.get(4).position(), 10);
        assertThat(resumed.members()).extracting(Member::externalUserId).containsExactly("wm5", "wm6", "wm8");
        assertThat(resumed.next()).isNull();
    }

    @Test
    void addsOfALocalDayAreReadInTimeOrderWithinTheirRange() {
        LocalDate day = LocalDate.parse("2026-03-02");
        Instant start = SopTime.startOfDay(day); // 2026-03-01T16:00Z
        seeder.put(seeder.active("wmBefore", "u1", start.minusMillis(1)),
                seeder.active("wmFirst", "u1", start),
                seeder.active("wmA", "u2", start.plusSeconds(3600)),
                seeder.active("wmB", "u1", start.plusSeconds(3600).plusMillis(59_999)),
                seeder.active("wmC", "u3", start.plusSeconds(3660)),
                seeder.active("wmLast", "u1", SopTime.startOfDay(day.plusDays(1)).minusMillis(1)));

        Page hour = source.addedBetween(CORP, day, start.plusSeconds(3600), start.plusSeconds(3660), null, 10);
        assertThat(hour.members()).extracting(Member::externalUserId).containsExactly("wmA", "wmB");
        assertThat(hour.members()).extracting(Member::userId).containsExactly("u2", "u1");

        Page wholeDay = source.addedBetween(CORP, day, start, SopTime.startOfDay(day.plusDays(1)), null, 10);
        assertThat(wholeDay.members()).extracting(Member::externalUserId).containsExactly("wmFirst", "wmA", "wmB", "wmC", "wmLast");
        Page rest = source.addedBetween(CORP, day, start, SopTime.startOfDay(day.plusDays(1)), wholeDay.members().get(1).position(), 10);
        assertThat(rest.members()).extracting(Member::externalUserId).containsExactly("wmB", "wmC", "wmLast");

        assertThat(source.anyAddedBetween(CORP, day, start.plusSeconds(3600), start.plusSeconds(3660))).isTrue();
        assertThat(source.anyAddedBetween(CORP, day, start.plusSeconds(60), start.plusSeconds(120))).isFalse();
        assertThat(source.anyAddedBetween(CORP, day.minusDays(1), start.minusSeconds(60), start)).isTrue();
    }
}
