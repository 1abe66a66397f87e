package io.siyu.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.siyu.core.links.LinkCodes;
import io.siyu.core.links.LinkRegistry;
import io.siyu.core.links.LinkStore;
import io.siyu.core.links.LinkStore.Click;
import io.siyu.core.links.LinkStore.Counted;
import io.siyu.core.links.LinkStore.DayCounts;
import io.siyu.core.links.LinkStore.LinkTotals;
import io.siyu.core.links.LinkStore.StepLinks;
import io.siyu.core.links.TrackedLink;
import io.siyu.core.links.Visitors;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class DynamoDbLinksTest {

    private static final String CORP = AwsEmulators.CORP_ID;
    private static final Instant T0 = Instant.parse("2026-11-23T04:00:00Z");
    private static final LocalDate D1 = LocalDate.of(2026, 11, 23);
    private static final LocalDate D2 = D1.plusDays(1);

    private DynamoDbLinks links;
    private TrackedLink a;
    private TrackedLink b;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        aws.reset();
        links = new DynamoDbLinks(aws.dynamoDb(), aws.stack().tableName("LinksTable"), Clock.fixed(T0, ZoneOffset.UTC));
        a = link("zhangsan", "https://shop.example.com/a");
        b = link("lisi", "https://shop.example.com/a");
    }

    private static TrackedLink link(String sender, String url) {
        return new TrackedLink(LinkCodes.code(CORP, "sop-1", "step-1", sender, url), url, CORP, "sop-1", "step-1",
                CORP + "#sop-1#step-1#2026-11-23T10:00", sender);
    }

    private Counted click(TrackedLink link, String requestId, LocalDate day, String visitor) {
        return links.count(new Click(link, requestId, day, false, Visitors.key(link.code(), visitor, day), T0));
    }

    @Test
    void registeringIsIdempotentAndACollisionIsRefused() {
        links.register(a);
        links.register(a);
        links.register(new TrackedLink(a.code(), a.url(), CORP, "sop-1", "step-1", CORP + "#sop-1#step-1#2026-11-24T10:00", "zhangsan"));

        assertThat(links.find(CORP, a.code())).contains(a); // the first run stays
        assertThatThrownBy(() -> links.register(new TrackedLink(a.code(), "https://evil.example/", CORP, "sop-1", "step-1", "k", "zhangsan")))
                .isInstanceOf(LinkRegistry.CodeTaken.class);
        assertThat(links.find(CORP, a.code()).orElseThrow().url()).isEqualTo(a.url());
        assertThat(links.find(CORP, "0000000000")).isEmpty();
        assertThat(links.find("other-corp", a.code())).isEmpty();
    }

    @Test
    void oneReadTellsTheLinkAndWhetherTheVisitorWasCountedForItThatDay() {
        links.register(a);
        links.register(b);
        click(a, "r1", D1, "v1");

        assertThat(links.find(CORP, a.code(), Visitors.key(a.code(), "v1", D1))).contains(new LinkStore.Found(a, true));
        assertThat(links.find(CORP, a.code(), Visitors.key(a.code(), "v1", D2))).as("another day").contains(new LinkStore.Found(a, false));
        assertThat(links.find(CORP, b.code(), Visitors.key(b.code(), "v1", D1))).as("another code").contains(new LinkStore.Found(b, false));
        assertThat(links.find(CORP, a.code(), Visitors.key(a.code(), "v2", D1))).contains(new LinkStore.Found(a, false));
        assertThat(links.find(CORP, a.code(), null)).contains(new LinkStore.Found(a, false));
        assertThat(links.find(CORP, "0000000000", Visitors.key("0000000000", "v1", D1))).isEmpty();
        assertThat(links.find("other-corp", a.code(), Visitors.key(a.code(), "v1", D1))).isEmpty();
    }

    @Test
    void clicksVisitorsAndBotsPerDayAndPerCodeAreReportedByStep() {
        links.register(a);
        links.register(b);

        assertThat(click(a, "r1", D1, "v1")).isEqualTo(Counted.CLICK_NEW_VISITOR);
        assertThat(click(a, "r2", D1, "v1")).isEqualTo(Counted.CLICK);
        assertThat(click(a, "r2", D1, "v1")).isEqualTo(Counted.DUPLICATE);
        assertThat(click(a, "r3", D1, "v2")).isEqualTo(Counted.CLICK_NEW_VISITOR);
        assertThat(click(a, "r4", D2, "v1")).as("a new day").isEqualTo(Counted.CLICK_NEW_VISITOR);
        assertThat(click(b, "r5", D1, "v1")).as("another code").isEqualTo(Counted.CLICK_NEW_VISITOR);
        assertThat(links.count(new Click(a, "r6", D1, true, null, T0))).isEqualTo(Counted.BOT);
        assertThat(links.count(new Click(a, "r6", D1, true, null, T0))).isEqualTo(Counted.DUPLICATE);

        StepLinks step = links.step(CORP, "sop-1", "step-1");

        assertThat(step.days()).containsExactly(new DayCounts(D1, 4, 3, 1), new DayCounts(D2, 1, 1, 0));
        assertThat(step.links()).containsExactlyInAnyOrder(
                new LinkTotals(a.code(), a.url(), "zhangsan", 4, 3, 1),
                new LinkTotals(b.code(), b.url(), "lisi", 1, 1, 0));
        assertThat(step.clicks()).isEqualTo(5);
        assertThat(step.uniqueVisitors()).isEqualTo(4);
        assertThat(step.botClicks()).isEqualTo(1);
        assertThat(links.step(CORP, "sop-1", "step-2").links()).isEmpty();
    }
}
