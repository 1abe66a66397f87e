package io.siyu.functions.sopplanner;

import static io.siyu.functions.sopplanner.SopWorld.CORP;
import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.core.links.LinkCodes;
import io.siyu.core.links.LinkRewriter;
import io.siyu.core.sop.Audience;
import io.siyu.core.sop.ChatType;
import io.siyu.core.sop.Content;
import io.siyu.core.sop.Content.Attachment;
import io.siyu.core.sop.DispatchHead;
import io.siyu.core.sop.Schedule;
import io.siyu.core.sop.Sop;
import io.siyu.core.sop.SopKind;
import io.siyu.core.sop.SopStatus;
import io.siyu.core.sop.SopTime;
import io.siyu.core.sop.Step;
import io.siyu.dynamodb.DynamoDbLinks;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The chains with tracked links on: each sender's sealed dispatch carries its own short links, registered first. */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class TrackedLinksPlanningTest {

    private static final Instant SIX_PM = SopTime.instant(LocalDateTime.parse("2026-03-06T18:00"));
    private static final String BASE = "https://go.example.com";
    private static final String URL = "https://shop.example.com/spring?utm_source=wecom";

    private SopWorld world;
    private DynamoDbLinks links;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        world = new SopWorld(aws);
        links = new DynamoDbLinks(aws.dynamoDb(), aws.stack().tableName("LinksTable"), world.clock);
        Instant added = Instant.parse("2026-02-01T02:00:00Z");
        List<io.siyu.core.contacts.Relationship> rels = new ArrayList<>();
        IntStream.range(0, 3).forEach(i -> rels.add(world.contacts.active("wmz" + i, "zhangsan", added)));
        IntStream.range(0, 2).forEach(i -> rels.add(world.contacts.active("wml" + i, "lisi", added)));
        world.contacts.putAll(rels);
        world.sops.create(new Sop(CORP, "b1", "spring", SopKind.BROADCAST, SopStatus.ACTIVE, Audience.of(List.of("zhangsan", "lisi")),
                List.of(new Step("s1", new Schedule.At(LocalDateTime.parse("2026-03-06T18:00")), ChatType.SINGLE,
                        new Content("春季上新 " + URL + " 快来看", List.of(new Attachment.Link("上新", URL, null, "desc"),
                                new Attachment.Image("media-1", null))))),
                1, Instant.EPOCH, Instant.EPOCH));
    }

    @Test
    void everySendersDispatchCarriesItsOwnRegisteredShortLinks() {
        world.tick(SIX_PM.plusSeconds(3));
        world.workChains(world.chains(1000, 0, 10_000).trackLinks(new LinkRewriter(BASE, links)));

        Map<String, DispatchHead> bySender = world.queuedDispatches().stream().map(k -> world.dispatch(k).head())
                .collect(Collectors.toMap(DispatchHead::sender, h -> h));
        assertThat(bySender).containsOnlyKeys("zhangsan", "lisi");
        for (String sender : List.of("zhangsan", "lisi")) {
            String code = LinkCodes.code(CORP, "b1", "s1", sender, URL);
            Content content = bySender.get(sender).content();
            assertThat(content.text()).isEqualTo("春季上新 " + BASE + "/l/" + code + " 快来看");
            assertThat(content.attachments()).containsExactly(new Attachment.Link("上新", BASE + "/l/" + code, null, "desc"),
                    new Attachment.Image("media-1", null));
            assertThat(links.find(CORP, code)).hasValueSatisfying(l -> {
                assertThat(l.url()).isEqualTo(URL);
                assertThat(l.sender()).isEqualTo(sender);
                assertThat(l.stepId()).isEqualTo("s1");
                assertThat(l.runKey()).isEqualTo(CORP + "#b1#s1#2026-03-06T18:00");
            });
        }
        assertThat(links.step(CORP, "b1", "s1").links()).hasSize(2);
    }

    @Test
    void withoutTrackingTheContentIsSentAsWritten() {
        world.tick(SIX_PM.plusSeconds(3));
        world.workChains(world.chains(1000, 0, 10_000));

        assertThat(world.queuedDispatches()).allSatisfy(k -> assertThat(world.dispatch(k).head().content().text())
                .isEqualTo("春季上新 " + URL + " 快来看"));
        assertThat(links.step(CORP, "b1", "s1").links()).isEmpty();
    }
}
