package io.siyu.functions.referral;

import static io.siyu.functions.referral.ReferralFixture.at;
import static io.siyu.functions.referral.ReferralFixture.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.siyu.core.events.ContactAdded;
import io.siyu.core.events.ContactRemoved;
import io.siyu.core.events.ContactRemoved.RemovedBy;
import io.siyu.core.events.GroupMemberJoined;
import io.siyu.core.referral.Campaign;
import io.siyu.core.referral.CampaignKind;
import io.siyu.core.referral.InviterRecord;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import io.siyu.wecom.api.WeComException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The referral function as deployed, event by event, for every rule the issue names: each test
 * delivers EventBridge events through the handler and reads the counters from the tables.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class ReferralHandlerTest {

    static final String A = "wmInviterA";
    static final String B = "wmInviterB";
    static final String X = "wmInviteeX";

    private ReferralFixture f;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        aws.reset();
        f = new ReferralFixture(aws, 1);
    }

    @Test
    void anAddThroughAnInvitersCodeCountsForTheInviter() {
        Campaign c = f.friendCampaign(3);
        f.deliver(f.added(at(1), "zhangsan", X, f.code(c, A)));
        InviterRecord a = f.inviter(c, A);
        assertThat(a).extracting(InviterRecord::count, InviterRecord::credited, InviterRecord::losses).containsExactly(1L, 1L, 0L);
        assertThat(f.progress.invitee(ReferralFixture.CORP, c.campaignId(), X).outcome().inviter()).isEqualTo(A);
    }

    @Test
    void aCampaignCreatedWhileTheFunctionIsWarmIsSeenFromItsFirstEvent() {
        Campaign first = f.friendCampaign(3);
        f.deliver(f.added(at(1), "zhangsan", X, f.code(first, A))); // the function has read the campaign list
        Campaign second = f.campaign(CampaignKind.FRIEND, List.of("wangwu"), List.of(3), Duration.ZERO, true);
        f.deliver(f.added(at(2), "wangwu", "wmY", f.code(second, A)));
        f.deliver(f.removed(at(3), "wangwu", "wmY", RemovedBy.CUSTOMER)); // an add-then-delete in its first seconds
        assertThat(f.inviter(second, A)).extracting(InviterRecord::count, InviterRecord::losses).containsExactly(0L, 1L);
        f.campaigns.archive(ReferralFixture.CORP, second.campaignId());
        f.deliver(f.added(at(4), "wangwu", "wmZ", f.code(second, A)));
        assertThat(f.progress.invitee(ReferralFixture.CORP, second.campaignId(), "wmZ").log()).as("archived").isEmpty();
    }

    @Test
    void duplicateAdd() {
        Campaign c = f.friendCampaign(3);
        ContactAdded add = f.added(at(1), "zhangsan", X, f.code(c, A));
        for (int i = 0; i < 4; i++) {
            f.deliver(add);
        }
        assertThat(f.inviter(c, A)).extracting(InviterRecord::count, InviterRecord::credited, InviterRecord::changes)
                .containsExactly(1L, 1L, 1L);
        assertThat(f.progress.invitee(ReferralFixture.CORP, c.campaignId(), X).log()).hasSize(1);
    }

    @Test
    void deleteBeforeAdd() {
        Campaign c = f.friendCampaign(3);
        ContactAdded add = f.added(at(1), "zhangsan", X, f.code(c, A));
        ContactRemoved delete = f.removed(at(2), "zhangsan", X, RemovedBy.CUSTOMER);
        f.deliver(delete); // the later delete arrives first: nothing to roll back yet
        assertThat(f.count(c, A)).isZero();
        f.deliver(add);
        assertThat(f.inviter(c, A)).extracting(InviterRecord::count, InviterRecord::credited, InviterRecord::losses)
                .containsExactly(0L, 1L, 1L);
    }

    @Test
    void aDeleteEarlierInEventTimeThanTheAddDoesNotUndoIt() {
        Campaign c = f.friendCampaign(3);
        f.deliver(f.added(at(2), "zhangsan", X, f.code(c, A)));
        f.deliver(f.removed(at(1), "zhangsan", X, RemovedBy.STAFF)); // an old removal, delivered late
        assertThat(f.count(c, A)).isEqualTo(1);
    }

    @Test
    void deleteThenReAdd() {
        Campaign c = f.friendCampaign(3);
        String codeA = f.code(c, A);
        f.deliver(f.added(at(1), "zhangsan", X, codeA));
        f.deliver(f.removed(at(2), "zhangsan", X, RemovedBy.CUSTOMER));
        assertThat(f.count(c, A)).isZero();
        // comes back through another inviter's code: the credit returns to the first inviter
        f.deliver(f.added(at(3), "zhangsan", X, f.code(c, B)));
        assertThat(f.inviter(c, A)).extracting(InviterRecord::count, InviterRecord::losses, InviterRecord::returns)
                .containsExactly(1L, 1L, 1L);
        assertThat(f.count(c, B)).isZero();
        assertThat(f.progress.inviter(ReferralFixture.CORP, c.campaignId(), B)).isEmpty();
    }

    @Test
    void secondStaffMember() {
        Campaign c = f.friendCampaign(3);
        f.deliver(f.added(at(1), "zhangsan", X, f.code(c, A)));
        f.deliver(f.added(at(2), "lisi", X, null)); // also adds the second campaign staff member
        f.deliver(f.removed(at(3), "zhangsan", X, RemovedBy.STAFF));
        assertThat(f.count(c, A)).as("losing one of two staff members is not a loss").isEqualTo(1);
        f.deliver(f.removed(at(4), "lisi", X, RemovedBy.CUSTOMER));
        assertThat(f.inviter(c, A)).extracting(InviterRecord::count, InviterRecord::losses).containsExactly(0L, 1L);
    }

    @Test
    void aStaffMemberOutsideTheCampaignDoesNotKeepTheInviteeCounted() {
        Campaign c = f.friendCampaign(3);
        f.deliver(f.added(at(1), "zhangsan", X, f.code(c, A)));
        f.deliver(f.added(at(2), "wangwu", X, null));
        f.deliver(f.removed(at(3), "zhangsan", X, RemovedBy.CUSTOMER));
        assertThat(f.count(c, A)).isZero();
    }

    @Test
    void selfInvite() {
        Campaign c = f.friendCampaign(3);
        f.deliver(f.added(at(1), "zhangsan", A, f.code(c, A)));
        assertThat(f.progress.inviter(ReferralFixture.CORP, c.campaignId(), A)).isEmpty();
        assertThat(f.progress.invitee(ReferralFixture.CORP, c.campaignId(), A).outcome().credited()).isFalse();
    }

    @Test
    void existingCustomer() {
        Campaign c = f.friendCampaign(3);
        f.knownCustomer(X, "wangwu", at(-24 * 30)); // a customer of another staff member for a month
        f.knownCustomer(X, "zhangsan", at(1));       // attribution already recorded this very add: not "before"
        f.deliver(f.added(at(1), "zhangsan", X, f.code(c, A)));
        assertThat(f.progress.inviter(ReferralFixture.CORP, c.campaignId(), A)).isEmpty();

        Campaign open = f.campaign(CampaignKind.FRIEND, List.of("zhangsan"), List.of(3), Duration.ZERO, false);
        f.deliver(f.added(at(1), "zhangsan", X, f.code(open, A)));
        assertThat(f.count(open, A)).as("with onlyNewCustomers off an existing customer counts").isEqualTo(1);
    }

    @Test
    void aCustomerWhoseOnlyRelationshipIsThisAddIsNew() {
        Campaign c = f.friendCampaign(3);
        f.knownCustomer(X, "zhangsan", at(1));
        f.deliver(f.added(at(1), "zhangsan", X, f.code(c, A)));
        assertThat(f.count(c, A)).isEqualTo(1);
    }

    @Test
    void inviteeClaimedByTwoInviters() {
        Campaign c = f.friendCampaign(3);
        String codeA = f.code(c, A);
        String codeB = f.code(c, B);
        ContactAdded first = f.added(at(1), "zhangsan", X, codeA);
        ContactAdded second = f.added(at(2), "lisi", X, codeB);
        f.deliver(second); // B's scan arrives first...
        assertThat(f.count(c, B)).isEqualTo(1);
        f.deliver(first);  // ...but A's was earlier: the invitee counts for A only
        assertThat(f.inviter(c, A)).extracting(InviterRecord::count, InviterRecord::credited).containsExactly(1L, 1L);
        assertThat(f.inviter(c, B)).extracting(InviterRecord::count, InviterRecord::credited).containsExactly(0L, 0L);
    }

    @Test
    void groupLeave() {
        Campaign c = f.campaign(CampaignKind.GROUP, List.of("wrGroup1", "wrGroup2"), List.of(3), Duration.ZERO, true);
        String codeA = f.code(c, A);
        f.groupMembers("wrGroup1", "v1", List.of(member(X, at(1), codeA)));
        f.deliver(f.joined(at(1), "wrGroup1", "v1", X));
        assertThat(f.count(c, A)).isEqualTo(1);
        f.groupMembers("wrGroup2", "v2", List.of(member(X, at(2), null)));
        f.deliver(f.joined(at(2), "wrGroup2", "v2", X));
        f.deliver(f.left(at(3), "wrGroup1", X));
        assertThat(f.count(c, A)).as("still in the second campaign group").isEqualTo(1);
        f.deliver(f.left(at(4), "wrGroup2", X));
        assertThat(f.inviter(c, A)).extracting(InviterRecord::count, InviterRecord::losses).containsExactly(0L, 1L);
        f.groupMembers("wrGroup1", "v3", List.of(member(X, at(5), null)));
        f.deliver(f.joined(at(5), "wrGroup1", "v3", X));
        assertThat(f.inviter(c, A)).extracting(InviterRecord::count, InviterRecord::returns).containsExactly(1L, 1L);
        assertThat(f.aws.wecomStub().bodies("externalcontact/groupchat/get").get(0).path("chat_id").asText()).isEqualTo("wrGroup1");
    }

    @Test
    void aGroupJoinIsCreditedFromTheMembersJoinStateAndStaffAreSkipped() {
        Campaign c = f.campaign(CampaignKind.GROUP, List.of("wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA"), List.of(3), Duration.ZERO, true);
        String codeA = f.code(c, A);
        f.groupMembers("wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA", "71217227bbd112ecfe3a49c482195cb4",
                List.of(member("wmOgQhDgAAuXFJGwbve4g4iXknfOAAAA", at(1), codeA)));
        GroupMemberJoined join = new GroupMemberJoined(f.nextId(), ReferralFixture.CORP, at(1), "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA",
                List.of("abel", "wmOgQhDgAAuXFJGwbve4g4iXknfOAAAA"), 3, 2, null, "71217227bbd112ecfe3a49c482195cb4");
        f.deliver(join);
        assertThat(f.count(c, A)).isEqualTo(1);
        assertThat(f.progress.invitee(ReferralFixture.CORP, c.campaignId(), "abel").log()).as("a staff member").isEmpty();
    }

    @Test
    void aGroupReadThatDoesNotShowTheJoinYetIsRetriedAndAnOldOneIsRecordedWithoutCode() {
        Campaign c = f.campaign(CampaignKind.GROUP, List.of("wrGroup1"), List.of(3), Duration.ZERO, true);
        f.code(c, A);
        f.groupMembers("wrGroup1", "older", List.of());
        GroupMemberJoined fresh = new GroupMemberJoined(f.nextId(), ReferralFixture.CORP, java.time.Instant.now(), "wrGroup1",
                List.of(X), 3, 1, null, "newer");
        assertThatThrownBy(() -> f.deliver(fresh)).isInstanceOf(ReferralService.GroupReadNotCurrent.class);
        assertThat(f.progress.invitee(ReferralFixture.CORP, c.campaignId(), X).log()).isEmpty();
        GroupMemberJoined old = f.joined(at(1), "wrGroup1", "newer", X);
        f.deliver(old);
        assertThat(f.progress.invitee(ReferralFixture.CORP, c.campaignId(), X).log()).singleElement()
                .satisfies(e -> assertThat(e.inviter()).isNull());
    }

    @Test
    void aWeComFailureIsThrownForLambdaToRetryAndStoresNothing() {
        Campaign c = f.campaign(CampaignKind.GROUP, List.of("wrGroup1"), List.of(3), Duration.ZERO, true);
        f.aws.wecomStub().error("externalcontact/groupchat/get", 45009, "api freq out of limit");
        assertThatThrownBy(() -> f.deliver(f.joined(at(1), "wrGroup1", null, X))).isInstanceOf(WeComException.class);
        assertThat(f.progress.invitee(ReferralFixture.CORP, c.campaignId(), X).log()).isEmpty();
    }

    @Test
    void removalsByEitherSideRollBackAndAHandoverDoesNot() {
        Campaign c = f.friendCampaign(3);
        String codeA = f.code(c, A);
        f.deliver(f.added(at(1), "zhangsan", "wm1", codeA));
        f.deliver(f.added(at(1), "zhangsan", "wm2", codeA));
        f.deliver(f.added(at(1), "zhangsan", "wm3", codeA));
        f.deliver(f.removed(at(2), "zhangsan", "wm1", RemovedBy.CUSTOMER));
        f.deliver(f.removed(at(2), "zhangsan", "wm2", RemovedBy.STAFF));
        f.deliver(new ContactRemoved(f.nextId(), ReferralFixture.CORP, at(2), "zhangsan", "wm3", RemovedBy.STAFF,
                "DELETE_BY_TRANSFER"));
        assertThat(f.inviter(c, A)).extracting(InviterRecord::count, InviterRecord::losses).containsExactly(1L, 2L);
    }

    @Test
    void eventsAfterTheEndDoNotCreditButRollbacksCount() {
        Campaign c = f.friendCampaign(3);
        String codeA = f.code(c, A);
        int afterEnd = 24 * 10 + 2;
        f.deliver(f.added(at(1), "zhangsan", X, codeA));
        f.deliver(f.added(at(afterEnd), "zhangsan", "wmLate", codeA));
        assertThat(f.inviter(c, A)).extracting(InviterRecord::count, InviterRecord::credited).containsExactly(1L, 1L);
        f.deliver(f.removed(at(afterEnd + 1), "zhangsan", X, RemovedBy.CUSTOMER));
        f.deliver(f.added(at(afterEnd + 2), "zhangsan", X, codeA));
        assertThat(f.inviter(c, A)).extracting(InviterRecord::count, InviterRecord::losses, InviterRecord::returns)
                .containsExactly(0L, 1L, 0L);
    }

    @Test
    void theFixtureEventOfTheCallbackContractIsProcessed() throws IOException {
        Campaign c = f.friendCampaign(3);
        String fixture;
        try (InputStream in = getClass().getResourceAsStream("/eventbridge/contact-added.json")) {
            fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        f.deliverRaw(fixture.replace("rf_k3v9x2pq_0000000000", f.code(c, A)));
        assertThat(f.count(c, A)).isEqualTo(1);
    }

    @Test
    void concurrentInviteesOfOneInviterAreCountedExactly() throws Exception {
        Campaign c = f.friendCampaign(3);
        String codeA = f.code(c, A);
        List<ContactAdded> adds = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            adds.add(f.added(at(1).plusSeconds(i), i % 2 == 0 ? "zhangsan" : "lisi", "wm" + i, codeA));
        }
        List<Object> deliveries = new ArrayList<>(adds);
        deliveries.addAll(adds.subList(0, 20)); // redeliveries racing the originals
        Collections.shuffle(deliveries, new Random(7));
        ReferralHandler handler = f.handler();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Object e : deliveries) {
                done.add(pool.submit(() -> f.deliver((ContactAdded) e)));
            }
            for (Future<?> d : done) {
                d.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(handler).isSameAs(f.handler());
        assertThat(f.inviter(c, A)).extracting(InviterRecord::count, InviterRecord::credited, InviterRecord::changes)
                .containsExactly(60L, 60L, 60L);
    }

    /** ContactAdded through A's code (state {@code CODE}, filled in per test): intact, it credits A. */
    static final String ADD = ReferralFixture.eventBridgeJson(new ContactAdded("e1", ReferralFixture.CORP, at(1), "zhangsan",
            X, "CODE", null, false));

    static Stream<Arguments> badEvents() {
        return Stream.of(
                Arguments.of("not JSON", (UnaryOperator<String>) e -> "{not json"),
                Arguments.of("not an EventBridge event", (UnaryOperator<String>) e -> "[1,2,3]"),
                Arguments.of("an unknown detail-type", (UnaryOperator<String>) e -> e.replace("\"ContactAdded\"", "\"ContactExploded\"")),
                Arguments.of("a detail that is not an object", (UnaryOperator<String>) e -> e.replaceFirst("\"detail\":\\{.*}}$", "\"detail\":\"x\"}")),
                Arguments.of("a time that is not a time", (UnaryOperator<String>) e -> e.replace("\"2026-11-20T01:00:00Z\",\"userId", "\"yesterday\",\"userId")),
                Arguments.of("another corp's event", (UnaryOperator<String>) e -> e.replace(ReferralFixture.CORP, "wwAnotherCorp")),
                Arguments.of("no externalUserId", (UnaryOperator<String>) e -> e.replace("\"externalUserId\":\"wmInviteeX\",", "")),
                Arguments.of("no userId", (UnaryOperator<String>) e -> e.replace("\"userId\":\"zhangsan\",", "")),
                Arguments.of("a referral state Siyu never issued", (UnaryOperator<String>) e -> e.replaceFirst("rf_[0-9a-z]{8}_[0-9a-z]{10}", "rf_k3v9x2pq_0123456789")),
                Arguments.of("a malformed referral state", (UnaryOperator<String>) e -> e.replaceFirst("rf_[0-9a-z]{8}_[0-9a-z]{10}", "rf_../../etc/passwd")),
                Arguments.of("a channel state", (UnaryOperator<String>) e -> e.replaceFirst("rf_[0-9a-z]{8}_[0-9a-z]{10}", "ch_k3v9x2pq")),
                Arguments.of("a staff member of no campaign", (UnaryOperator<String>) e -> e.replace("\"zhangsan\"", "\"wangwu\"")),
                Arguments.of("a source other than the callback", (UnaryOperator<String>) e -> e.replace("\"detail-type\":\"ContactAdded\"", "\"detail-type\":\"TagChanged\"")));
    }

    @Test
    void theEventTheBadOnesAreMadeFromCreditsWhenIntact() {
        Campaign c = f.friendCampaign(3);
        f.deliverRaw(ADD.replace("CODE", f.code(c, A)));
        assertThat(f.count(c, A)).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEvents")
    void aBadEventCreditsNobody(String name, UnaryOperator<String> spoil) {
        Campaign c = f.friendCampaign(3);
        String intact = ADD.replace("CODE", f.code(c, A));
        String json = spoil.apply(intact);
        assertThat(json).as("the spoiling applies").isNotEqualTo(intact);
        f.deliverRaw(json);
        assertThat(f.progress.inviters(ReferralFixture.CORP, c.campaignId())).as(name).isEmpty();
        assertThat(f.aws.publishedEvents()).isEmpty();
    }

    @Test
    void aGroupChangeWithoutMembersReadsNothingAndStoresNothing() {
        Campaign c = f.campaign(CampaignKind.GROUP, List.of("wrGroup1"), List.of(3), Duration.ZERO, true);
        f.deliver(new GroupMemberJoined(f.nextId(), ReferralFixture.CORP, at(1), "wrGroup1", List.of(), 3, 0, null, null));
        f.deliver(new GroupMemberJoined(f.nextId(), ReferralFixture.CORP, at(1), "", List.of(X), 3, 1, null, null));
        assertThat(f.aws.wecomStub().calls("externalcontact/groupchat/get")).isZero();
        assertThat(f.progress.invitee(ReferralFixture.CORP, c.campaignId(), X).log()).isEmpty();
    }
}
