package io.siyu.functions.referral;

import static io.siyu.functions.referral.ReferralFixture.END;
import static io.siyu.functions.referral.ReferralFixture.START;
import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.core.events.ContactAdded;
import io.siyu.core.events.ContactRemoved;
import io.siyu.core.events.DomainEvent;
import io.siyu.core.events.GroupMemberJoined;
import io.siyu.core.events.ReferralTaskCompleted;
import io.siyu.core.referral.Campaign;
import io.siyu.core.referral.CampaignKind;
import io.siyu.core.referral.Completion;
import io.siyu.core.referral.InviterRecord;
import io.siyu.eventbus.DomainEventJson;
import io.siyu.testing.AwsEmulators;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The correctness bar of issue 5: random campaigns (friend or group, several staff members or
 * groups, tiers, a hold or none, only-new on or off) and random histories of adds, deletions from
 * either side, re-adds, joins and leaves, including self-invites, existing customers and invitees
 * claimed by several inviters, delivered with duplicates and in shuffled order through the
 * handler against DynamoDB Local; then one sweep. Every inviter's count, credits, losses, returns,
 * peak and completions must equal what {@link ReferralModel} computes from the history in time order.
 */
@net.jqwik.api.Tag("emulator")
class ReferralPropertyTest {

    private static final String OUTSIDER_STAFF = "s9";
    private static final String FORMER_STAFF = "s8";
    private static final String OUTSIDER_CHAT = "wrZ";
    private static AwsEmulators aws;

    @BeforeContainer
    static void start() {
        aws = AwsEmulators.shared();
        aws.reset();
    }

    /** One generated event with what the model needs to know about it. */
    private record Generated(DomainEvent event, ReferralModel.Step step, String state) {}

    @Property(tries = 40)
    void countsAndCompletionsEqualTheModelWhateverTheDeliveryOrder(@ForAll long seed) {
        Random r = new Random(seed);
        ReferralFixture f = new ReferralFixture(aws, seed).withClock();
        boolean group = r.nextBoolean();
        List<String> members = group ? List.of("wrA", "wrB", "wrC").subList(0, 2 + r.nextInt(2))
                : List.of("s1", "s2", "s3").subList(0, 2 + r.nextInt(2));
        List<Integer> tiers = new ArrayList<>(new java.util.TreeSet<>(List.of(1 + r.nextInt(4), 1 + r.nextInt(4))));
        Duration hold = List.of(Duration.ZERO, Duration.ofHours(3), Duration.ofHours(12)).get(r.nextInt(3));
        boolean onlyNew = r.nextInt(4) != 0;
        Campaign c = f.campaign(group ? CampaignKind.GROUP : CampaignKind.FRIEND, members, tiers, hold, onlyNew);
        String p = c.campaignId() + "-"; // ids of this try only: the contacts table is shared by all tries
        List<String> inviters = List.of(p + "A", p + "B", p + "C").subList(0, 2 + r.nextInt(2));
        List<String> invitees = new ArrayList<>(List.of(p + "X1", p + "X2", p + "X3", p + "X4", p + "X5").subList(0, 2 + r.nextInt(4)));
        invitees.add(inviters.get(0)); // an inviter who scans codes too: self-invites and being invited
        Map<String, String> codes = new HashMap<>();
        inviters.forEach(i -> codes.put(i, f.code(c, i)));

        // What attribution records, per invitee@staff the first add: some invitees were customers of a
        // staff member outside every campaign a month ago; the rest comes from the adds generated below.
        Map<String, Instant> customerSince = new HashMap<>();
        for (String x : invitees) {
            if (r.nextInt(4) == 0) {
                customerSince.put(x + "@" + FORMER_STAFF, START.minus(Duration.ofDays(30)));
            }
        }

        List<Generated> history = new ArrayList<>();
        int n = 4 + r.nextInt(22);
        List<String> subjects = new ArrayList<>(members);
        subjects.add(group ? OUTSIDER_CHAT : OUTSIDER_STAFF);
        for (int k = 0; k < n; k++) {
            Instant at = START.plus(Duration.ofHours(r.nextInt(24 * 12 + 24) - 24));
            String x = invitees.get(r.nextInt(invitees.size()));
            String subject = subjects.get(r.nextInt(subjects.size()));
            boolean enter = r.nextInt(5) < 3;
            String inviter = enter && r.nextBoolean() ? inviters.get(r.nextInt(inviters.size())) : null;
            String state = inviter != null ? codes.get(inviter) : enter && r.nextInt(5) == 0 ? "ch_k3v9x2pq" : null;
            DomainEvent e;
            if (group) {
                e = enter ? f.joined(at, subject, "v-" + k, x) : f.left(at, subject, x);
            } else {
                e = enter ? f.added(at, subject, x, state)
                        : f.removed(at, subject, x, r.nextBoolean() ? ContactRemoved.RemovedBy.CUSTOMER : ContactRemoved.RemovedBy.STAFF);
                if (enter) {
                    customerSince.merge(x + "@" + subject, at, (a, b) -> a.isBefore(b) ? a : b);
                }
            }
            history.add(new Generated(e, new ReferralModel.Step(at, e.eventId(), x, enter, subject, inviter), state));
        }
        // What attribution records: each relationship with the time it was first added.
        customerSince.forEach((key, since) -> f.knownCustomer(key.split("@")[0], key.split("@")[1], since));

        List<Generated> deliveries = new ArrayList<>(history);
        for (int d = r.nextInt(history.size() / 2 + 1); d > 0; d--) {
            deliveries.add(history.get(r.nextInt(history.size())));
        }
        Collections.shuffle(deliveries, r);
        for (Generated g : deliveries) {
            if (g.event() instanceof GroupMemberJoined j) {
                // groupchat/get read right after the join: the member with this join's state
                f.groupMembers(j.chatId(), j.currentMemberVersion(),
                        List.of(ReferralFixture.member(j.memberIds().get(0), j.occurredAt(), g.state())));
            }
            f.deliver(g.event());
        }
        f.sweep(END.plus(Duration.ofDays(40)));

        ReferralModel model = new ReferralModel(
                new ReferralModel.Rules(START, END, onlyNew, tiers, hold, Set.copyOf(members)),
                history.stream().map(Generated::step).toList(),
                (x, at) -> customerSince.entrySet().stream()
                        .anyMatch(e -> e.getKey().split("@")[0].equals(x) && e.getValue().isBefore(at)));
        String story = describe(c, history, deliveries);
        for (String inviter : inviters) {
            InviterRecord got = f.inviter(c, inviter);
            ReferralModel.Inviter want = model.inviters.getOrDefault(inviter, new ReferralModel.Inviter(0, 0, 0, 0, 0));
            assertThat(new ReferralModel.Inviter(got.count(), got.credited(), got.losses(), got.returns(), got.peak()))
                    .as("inviter %s\n%s", inviter, story).isEqualTo(want);
        }
        Set<ReferralModel.Done> done = f.completions(c).stream()
                .map(x -> new ReferralModel.Done(x.inviterExternalUserId(), x.tier(), x.reachedAt(), x.completedAt()))
                .collect(Collectors.toSet());
        assertThat(done).as("completions\n%s", story).isEqualTo(model.completions);
        List<ReferralTaskCompleted> published = aws.publishedEvents().stream()
                .filter(e -> e.detailType().equals("ReferralTaskCompleted"))
                .map(e -> (ReferralTaskCompleted) DomainEventJson.fromDetail(e.detailType(), e.detail()))
                .filter(e -> e.campaignId().equals(c.campaignId())).toList();
        assertThat(published).extracting(ReferralTaskCompleted::eventId).as("published once each\n%s", story)
                .containsExactlyInAnyOrderElementsOf(f.completions(c).stream().map(Completion::eventId).toList());
    }

    private static String describe(Campaign c, List<Generated> history, List<Generated> deliveries) {
        StringBuilder s = new StringBuilder("campaign " + c.kind() + " members=" + c.members() + " tiers=" + c.tiers()
                + " hold=" + c.hold() + " onlyNew=" + c.onlyNewCustomers() + "\nhistory in time order:\n");
        history.stream().map(Generated::step).sorted(java.util.Comparator.comparing(ReferralModel.Step::at)
                .thenComparing(ReferralModel.Step::eventId)).forEach(st -> s.append("  ").append(st).append('\n'));
        s.append("delivered: ").append(deliveries.stream().map(g -> g.event().eventId()).toList());
        return s.toString();
    }
}
