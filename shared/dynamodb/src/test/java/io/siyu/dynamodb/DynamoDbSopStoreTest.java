package io.siyu.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.core.sop.Audience;
import io.siyu.core.sop.ChatType;
import io.siyu.core.sop.Content;
import io.siyu.core.sop.Content.Attachment;
import io.siyu.core.sop.Cron;
import io.siyu.core.sop.GroupTarget;
import io.siyu.core.sop.Schedule;
import io.siyu.core.sop.Sop;
import io.siyu.core.sop.SopKind;
import io.siyu.core.sop.SopStatus;
import io.siyu.core.sop.Step;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class DynamoDbSopStoreTest {

    private static final String CORP = AwsEmulators.CORP_ID;
    private DynamoDbSopStore store;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        aws.reset();
        store = new DynamoDbSopStore(aws.dynamoDb(), aws.stack().tableName("SopTable"));
    }

    static Sop everything(String sopId, long version) {
        Audience audience = new Audience(List.of("zhangsan", "lisi"), Set.of("et1", "et2"), Set.of("et3"), Set.of("et4"), Set.of("ch1"),
                LocalDate.parse("2026-01-01"), LocalDate.parse("2026-03-31"), Set.of("champions"), Set.of("active"),
                List.of(new GroupTarget("zhangsan", List.of("wr1", "wr2"))));
        Content content = new Content("你好", List.of(new Attachment.Image(null, "https://p.qpic.cn/x.png"),
                new Attachment.Link("标题", "https://example.com", "https://example.com/p.png", "描述"),
                new Attachment.MiniProgram("小程序", "MEDIA", "wx8bd80126147dfAAA", "/index")));
        return new Sop(CORP, sopId, "Spring campaign", SopKind.BROADCAST, SopStatus.ACTIVE, audience, List.of(
                new Step("s1", new Schedule.At(LocalDateTime.parse("2026-03-06T18:00")), ChatType.SINGLE, content),
                new Step("s2", new Schedule.Recurring(Cron.parse("0 18 * * FRI")), ChatType.GROUP, new Content("hi", List.of())),
                new Step("s3", new Schedule.AfterAdd(90), ChatType.SINGLE, new Content(null, List.of(new Attachment.Image("M", null)))),
                new Step("s4", new Schedule.DayAt(3, LocalTime.parse("20:00")), ChatType.SINGLE, new Content("tip", List.of()))),
                version, Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-03-01T00:00:00Z"));
    }

    @Test
    void aDefinitionRoundTripsWithEverySchedulesAndAttachmentsShape() {
        Sop sop = everything("sop1", 1);
        assertThat(store.create(sop)).isTrue();
        assertThat(store.create(sop)).as("the id is taken").isFalse();
        assertThat(store.get(CORP, "sop1")).contains(sop);
        assertThat(store.get(CORP, "nope")).isEmpty();
    }

    @Test
    void aReplaceNeedsTheVersionItWasReadAt() {
        store.create(everything("sop1", 1));
        Sop renamed = new Sop(CORP, "sop1", "renamed", SopKind.BROADCAST, SopStatus.PAUSED, Audience.of(List.of("u")),
                everything("sop1", 1).steps(), 2, Instant.EPOCH, Instant.EPOCH);
        assertThat(store.replace(renamed, 1)).isTrue();
        assertThat(store.replace(renamed, 1)).as("changed meanwhile").isFalse();
        assertThat(store.get(CORP, "sop1").orElseThrow().name()).isEqualTo("renamed");
        assertThat(store.replace(everything("ghost", 2), 1)).as("never created").isFalse();
        assertThat(store.get(CORP, "ghost")).isEmpty();
    }

    @Test
    void listAndDelete() {
        store.create(everything("a", 1));
        store.create(everything("b", 1));
        assertThat(store.list(CORP)).extracting(Sop::sopId).containsExactly("a", "b");
        assertThat(store.delete(CORP, "a")).isTrue();
        assertThat(store.delete(CORP, "a")).isFalse();
        assertThat(store.list(CORP)).extracting(Sop::sopId).containsExactly("b");
        assertThat(store.list("another-corp")).isEmpty();
    }
}
