package io.siyu.local.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A realistic, reproducible (by seed) stream of what happens in one corp's WeCom: customers scan
 * channel codes (or add staff members without one), some through 免验证 half-adds confirmed a
 * moment later, some add a second staff member, some delete staff or are deleted, some come back,
 * some join and leave a customer group, staff edit customers, a corp tag changes. Each logical
 * event is one callback; WeCom's redeliveries of some of them, and a few callbacks delivered out of
 * order, make up the delivery sequence.
 *
 * <p>Event times are strictly increasing per customer and per group (WeCom's one-second
 * resolution never puts two events of one customer in the same second here), so the expected
 * outcome does not depend on how same-second events are ordered.
 */
public record Scenario(long seed, String runId, Instant base, List<String> staff, List<ChannelPlan> channels,
                       List<CustomerPlan> customers, List<GroupPlan> groups, ReferralPlan referral, List<LogicalEvent> events,
                       List<Delivery> deliveries, List<OrderVersion> orders) {

    /** A channel the demo creates through the admin API; its 「联系我」 state is {@code ch_} + code. */
    public record ChannelPlan(String code, String name, List<String> staff, String welcome) {
        public String state() {
            return "ch_" + code;
        }
    }

    /** What WeCom knows of a customer that callbacks do not carry. */
    public record CustomerPlan(String externalUserId, String name, int gender, String unionId) {}

    /**
     * A friend referral campaign over every staff member: a few customers get an inviter code, and
     * new customers add staff through those codes. The campaign runs from a minute before the first
     * event for 30 days, so every scenario event lies inside it.
     */
    public record ReferralPlan(String name, List<String> inviters, Instant startAt, Instant endAt, int target, long holdSeconds) {
        /**
         * The stand-in state an inviter's adds carry until the demo has issued the real code
         * ({@link #withReferralStates}); it starts with {@code rf_} like the real one.
         */
        public String placeholderState(String inviter) {
            return "rf_demo_inviter_" + inviters.indexOf(inviter);
        }
    }

    /**
     * One version of an order as the mall sends it (docs/orders.md). {@code batch} 0 is the
     * back-fill, 1 the later changes (refunds); the demo also replays batch 0 unchanged.
     */
    public record OrderVersion(String orderId, String externalUserId, long amountFen, long refundedFen, String status,
                               Instant paidAt, Instant updatedAt, int batch) {}

    /** A customer group and its owner. */
    public record GroupPlan(String chatId, String name, String owner) {}

    public enum Kind {
        ADD("change_external_contact", "add_external_contact", "ContactAdded"),
        ADD_HALF("change_external_contact", "add_half_external_contact", "ContactAdded"),
        REMOVED_BY_CUSTOMER("change_external_contact", "del_follow_user", "ContactRemoved"),
        REMOVED_BY_STAFF("change_external_contact", "del_external_contact", "ContactRemoved"),
        EDIT("change_external_contact", "edit_external_contact", "ContactEdited"),
        GROUP_CREATE("change_external_chat", "create", "GroupCreated"),
        GROUP_JOIN("change_external_chat", "update", "GroupMemberJoined"),
        GROUP_LEAVE("change_external_chat", "update", "GroupMemberLeft"),
        TAG_CREATE("change_external_tag", "create", "TagChanged");

        public final String event;
        public final String changeType;
        /** The detail-type the callback function publishes for it (docs/events.md). */
        public final String detailType;

        Kind(String event, String changeType, String detailType) {
            this.event = event;
            this.changeType = changeType;
            this.detailType = detailType;
        }

        public boolean isAdd() {
            return this == ADD || this == ADD_HALF;
        }

        public boolean isRemoval() {
            return this == REMOVED_BY_CUSTOMER || this == REMOVED_BY_STAFF;
        }
    }

    /**
     * One thing that happened in WeCom, and the callback XML WeCom sends for it.
     *
     * @param state      the 「联系我」 state of an add (null when none)
     * @param inviter    for an add through a referral code: whose code it is (the state names it)
     * @param joinState  for a group join: the join-way state WeCom records for the member
     */
    public record LogicalEvent(int seq, Kind kind, Instant at, String customer, String staff, String state, String inviter,
                               String chatId, String joinState, String xml) {}

    /** One HTTP delivery of an event's callback; a redelivery repeats an earlier one. */
    public record Delivery(LogicalEvent event, boolean redelivery) {}

    private static final String[] NAMES = {"王芳", "李娜", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄丽", "周杰", "吴婷",
            "徐强", "孙悦", "马超", "朱琳", "胡斌", "郭佳", "林涛", "何雪", "高峰", "罗兰"};

    /**
     * Generates a scenario.
     *
     * @param customers how many customers take part
     * @param base      the time of the first event (callbacks carry times from here on, seconds apart)
     */
    public static Scenario generate(long seed, int customers, String corpId, Instant base) {
        Random random = new Random(seed);
        String runId = Long.toString(Math.abs(seed) % 1_679_616L + 1_679_616L, 36).substring(1); // 4 base-36 chars
        // Staff user ids carry the run id, so that a run's SOP (sent by its staff to their customers)
        // reaches only this run's customers when demos run again on the same stack.
        String zhangsan = "zhangsan_" + runId;
        String lisi = "lisi_" + runId;
        String wangwu = "wangwu_" + runId;
        String zhaoliu = "zhaoliu_" + runId;
        List<String> staff = List.of(zhangsan, lisi, wangwu, zhaoliu);
        List<ChannelPlan> channels = List.of(
                new ChannelPlan("store-" + runId, "门店A桌贴 " + runId, List.of(zhangsan), "欢迎光临门店A！"),
                new ChannelPlan("live-" + runId, "直播间 " + runId, List.of(lisi, wangwu), "感谢关注直播间"),
                new ChannelPlan("mp-" + runId, "公众号菜单 " + runId, List.of(zhangsan, zhaoliu), null));
        List<GroupPlan> groups = List.of(
                new GroupPlan("wrDemo" + runId + "VipGroup", "VIP客户群 " + runId, zhangsan),
                new GroupPlan("wrDemo" + runId + "Newcomers", "新客福利群 " + runId, lisi));
        Builder b = new Builder(corpId, random, base);
        List<CustomerPlan> plans = new ArrayList<>();
        for (int i = 0; i < customers; i++) {
            plans.add(customerPlan(random, runId, i));
            customerLife(b, random, plans.get(i).externalUserId(), staff, channels, groups);
        }
        // Target 3 held for a week: the demo sees counts and holds, and no completion can depend on
        // when the sweep runs (docs/referral.md: a completion is confirmed only after its hold).
        Instant second = base.truncatedTo(ChronoUnit.SECONDS);
        ReferralPlan referral = new ReferralPlan("老带新 " + runId,
                plans.stream().limit(Math.max(1, Math.min(4, customers / 5))).map(CustomerPlan::externalUserId).toList(),
                second.minusSeconds(60), second.plus(Duration.ofDays(30)), 3, Duration.ofDays(7).toSeconds());
        referrals(b, random, runId, staff, plans, referral);
        for (GroupPlan g : groups) {
            b.groupEvents(g);
        }
        b.event(Kind.TAG_CREATE, base.plusSeconds(1), null, null, null, null, null, null, List.of(), "etDemo" + runId + "Tag01");
        List<Delivery> deliveries = b.deliveries(random);
        return new Scenario(seed, runId, base, staff, channels, plans, groups, referral, List.copyOf(b.events), deliveries,
                orders(random, runId, base, plans));
    }

    private static CustomerPlan customerPlan(Random random, String runId, int i) {
        String id = "wmDemo" + runId + String.format(Locale.ROOT, "%04d", i) + "AAAAAAAAAAAAAAAAAA";
        return new CustomerPlan(id, NAMES[random.nextInt(NAMES.length)], 1 + random.nextInt(2),
                "oDemo" + runId + String.format(Locale.ROOT, "%04d", i));
    }

    /**
     * Referral fission after the customers' own lives (from 30 s after the base on, when every
     * life above is over): each inviter brings 0 to 4 new customers through their code (some
     * through a 免验证 half-add), some invitees delete the staff member again (the inviter's count
     * rolls back) and some of those come back without a code (the credit returns), and one existing
     * customer scans an inviter's code (not new: never credited). Every referral event has a second
     * of its own, so an inviter's count over time (and its peak) does not depend on how events of
     * one second are ordered.
     */
    private static void referrals(Builder b, Random random, String runId, List<String> staff, List<CustomerPlan> plans,
                                  ReferralPlan referral) {
        Instant t = b.base.plusSeconds(30);
        int customersBefore = plans.size();
        int next = plans.size();
        for (String inviter : referral.inviters()) {
            int invitees = random.nextInt(5);
            for (int j = 0; j < invitees; j++) {
                CustomerPlan invitee = customerPlan(random, runId, next++);
                plans.add(invitee);
                String state = referral.placeholderState(inviter);
                String who = staff.get(random.nextInt(staff.size()));
                if (random.nextInt(100) < 20) {
                    b.event(Kind.ADD_HALF, t = t.plusSeconds(1), invitee.externalUserId(), who, state, inviter, null, null, List.of(),
                            null);
                }
                b.event(Kind.ADD, t = t.plusSeconds(1), invitee.externalUserId(), who, state, inviter, null, null, List.of(), null);
                if (random.nextInt(100) < 35) {
                    b.event(Kind.REMOVED_BY_CUSTOMER, t = t.plusSeconds(1), invitee.externalUserId(), who, null, null, null, null,
                            List.of(), null);
                    if (random.nextInt(100) < 40) {
                        b.event(Kind.ADD, t = t.plusSeconds(1), invitee.externalUserId(), staff.get(random.nextInt(staff.size())),
                                null, null, null, null, List.of(), null);
                    }
                }
            }
        }
        // An existing customer (not an inviter) scans a code: they were a customer before, so no credit.
        int firstNonInviter = referral.inviters().size();
        if (firstNonInviter < customersBefore) {
            CustomerPlan existing = plans.get(firstNonInviter);
            String inviter = referral.inviters().get(0);
            List<String> had = b.events.stream().filter(e -> existing.externalUserId().equals(e.customer()) && e.kind().isAdd())
                    .map(LogicalEvent::staff).toList();
            Instant at = t.plusSeconds(1);
            staff.stream().filter(s -> !had.contains(s)).findFirst().ifPresent(s -> b.event(Kind.ADD, at,
                    existing.externalUserId(), s, referral.placeholderState(inviter), inviter, null, null, List.of(), null));
        }
    }

    /**
     * The mall's orders of about two thirds of the customers over the last 400 days: 1 to 12 orders
     * each, mostly paid, some partially or fully refunded or cancelled, and a tenth of the paid
     * ones refunded later (a second version, batch 1). Times are whole seconds, at least an hour
     * before the base, so that no time lies in the future when they are sent.
     */
    private static List<OrderVersion> orders(Random random, String runId, Instant base, List<CustomerPlan> customers) {
        List<OrderVersion> orders = new ArrayList<>();
        Instant latest = base.truncatedTo(ChronoUnit.SECONDS).minusSeconds(3600);
        int n = 0;
        for (CustomerPlan c : customers) {
            if (random.nextInt(3) == 0) {
                continue;
            }
            int count = random.nextInt(100) < 60 ? 1 + random.nextInt(2) : 3 + random.nextInt(10);
            for (int i = 0; i < count; i++) {
                String id = "SO" + runId + String.format(Locale.ROOT, "%05d", n++);
                Instant paid = latest.minusSeconds(random.nextInt(400 * 86_400));
                long amount = 1_000L * (1 + random.nextInt(random.nextInt(100) < 15 ? 1_000 : 100));
                int roll = random.nextInt(100);
                if (roll < 5) {
                    orders.add(new OrderVersion(id, c.externalUserId(), amount, 0, "CANCELLED", null, paid, 0));
                } else if (roll < 12) {
                    orders.add(new OrderVersion(id, c.externalUserId(), amount, amount, "REFUNDED", paid, paid.plusSeconds(3_600), 0));
                } else if (roll < 20) {
                    orders.add(new OrderVersion(id, c.externalUserId(), amount, amount / 4, "PARTIALLY_REFUNDED", paid,
                            paid.plusSeconds(3_600), 0));
                } else {
                    orders.add(new OrderVersion(id, c.externalUserId(), amount, 0, "PAID", paid, paid, 0));
                    if (random.nextInt(10) == 0) {
                        // Refunded later: halfway between the payment and now, always before now.
                        Instant refund = paid.plusSeconds(Math.max(1, Duration.between(paid, latest).toSeconds() / 2));
                        boolean whole = random.nextBoolean();
                        orders.add(new OrderVersion(id, c.externalUserId(), amount, whole ? amount : amount / 2,
                                whole ? "REFUNDED" : "PARTIALLY_REFUNDED", paid, refund, 1));
                    }
                }
            }
        }
        return List.copyOf(orders);
    }

    /**
     * The scenario with the real states of the inviters' codes (issued by the admin API) in place
     * of the stand-ins, in the events and their callback XML; without a state for an inviter, its
     * adds keep the stand-in (still an {@code rf_} state, counted by attribution as referral).
     */
    public Scenario withReferralStates(Map<String, String> stateByInviter) {
        Map<Integer, LogicalEvent> bound = new LinkedHashMap<>();
        for (LogicalEvent e : events) {
            String state = e.inviter() == null ? null : stateByInviter.get(e.inviter());
            bound.put(e.seq(), state == null ? e : new LogicalEvent(e.seq(), e.kind(), e.at(), e.customer(), e.staff(), state,
                    e.inviter(), e.chatId(), e.joinState(), e.xml().replace("<State><![CDATA[" + e.state() + "]]></State>",
                    "<State><![CDATA[" + state + "]]></State>")));
        }
        List<Delivery> d = deliveries.stream().map(x -> new Delivery(bound.get(x.event().seq()), x.redelivery())).toList();
        return new Scenario(seed, runId, base, staff, channels, customers, groups, referral, List.copyOf(bound.values()), d, orders);
    }

    /** One customer's life: first add, maybe a second staff member, removals, a return, a group. */
    private static void customerLife(Builder b, Random random, String customer, List<String> staff, List<ChannelPlan> channels,
                                     List<GroupPlan> groups) {
        Instant t = b.base.plusSeconds(random.nextInt(3));
        Set<String> related = new LinkedHashSet<>();
        // How the customer first arrives: a channel code (70%), no state at all (20%), a stray state (10%).
        int roll = random.nextInt(10);
        String state;
        String first;
        if (roll < 7) {
            ChannelPlan c = channels.get(random.nextInt(channels.size()));
            state = c.state();
            first = c.staff().get(random.nextInt(c.staff().size()));
        } else {
            state = roll < 9 ? null : "poster2024";
            first = staff.get(random.nextInt(staff.size()));
        }
        if (random.nextInt(100) < 15) {
            b.event(Kind.ADD_HALF, t, customer, first, state, null, null, null, List.of(), null);
            t = t.plusSeconds(1 + random.nextInt(2));
        }
        b.event(Kind.ADD, t, customer, first, state, null, null, null, List.of(), null);
        related.add(first);
        if (random.nextInt(100) < 25) {
            ChannelPlan c = channels.get(random.nextInt(channels.size()));
            String second = c.staff().get(random.nextInt(c.staff().size()));
            if (!related.contains(second)) {
                t = t.plusSeconds(1 + random.nextInt(3));
                b.event(Kind.ADD, t, customer, second, c.state(), null, null, null, List.of(), null);
                related.add(second);
            }
        }
        if (random.nextInt(100) < 10) {
            t = t.plusSeconds(1 + random.nextInt(3));
            b.event(Kind.EDIT, t, customer, related.iterator().next(), null, null, null, null, List.of(), null);
        }
        if (random.nextInt(100) < 40) {
            GroupPlan g = groups.get(random.nextInt(groups.size()));
            b.join(g, customer, state, random.nextInt(100) < 30);
        }
        // Removals: the customer deletes staff (30%), or a staff member deletes the customer (8%).
        List<String> removable = new ArrayList<>(related);
        Collections.shuffle(removable, random);
        for (String s : removable) {
            int r = random.nextInt(100);
            if (r < 30 || r >= 92) {
                t = t.plusSeconds(1 + random.nextInt(3));
                b.event(r < 30 ? Kind.REMOVED_BY_CUSTOMER : Kind.REMOVED_BY_STAFF, t, customer, s, null, null, null, null, List.of(), null);
                related.remove(s);
            }
        }
        // A customer with no staff left comes back (40%), through a channel or without one.
        if (related.isEmpty() && random.nextInt(100) < 40) {
            t = t.plusSeconds(2 + random.nextInt(3));
            ChannelPlan c = channels.get(random.nextInt(channels.size()));
            boolean viaChannel = random.nextBoolean();
            String who = viaChannel ? c.staff().get(random.nextInt(c.staff().size())) : staff.get(random.nextInt(staff.size()));
            b.event(Kind.ADD, t, customer, who, viaChannel ? c.state() : null, null, null, null, List.of(), null);
        }
    }

    /** Collects events, builds their XML, then the delivery order. */
    private static final class Builder {
        final String corpId;
        final Random random;
        final Instant base;
        final List<LogicalEvent> events = new ArrayList<>();
        final Map<String, List<String[]>> groupChanges = new LinkedHashMap<>();

        Builder(String corpId, Random random, Instant base) {
            this.corpId = corpId;
            this.random = random;
            this.base = base;
        }

        void join(GroupPlan g, String customer, String state, boolean leaves) {
            groupChanges.computeIfAbsent(g.chatId(), k -> new ArrayList<>()).add(new String[] {"join", customer, state});
            if (leaves) {
                groupChanges.get(g.chatId()).add(new String[] {"leave", customer, null});
            }
        }

        /** A group's own timeline: created, then joins and leaves one second apart, in the order planned. */
        void groupEvents(GroupPlan g) {
            Instant t = base;
            event(Kind.GROUP_CREATE, t, null, g.owner(), null, null, g.chatId(), null, List.of(), null);
            List<String[]> changes = new ArrayList<>(groupChanges.getOrDefault(g.chatId(), List.of()));
            // A member leaves only after joining: move each leave after its join, keep the rest in random order.
            Collections.shuffle(changes, random);
            List<String[]> ordered = new ArrayList<>();
            Set<String> joined = new LinkedHashSet<>();
            List<String[]> pendingLeaves = new ArrayList<>();
            for (String[] c : changes) {
                if (c[0].equals("join")) {
                    ordered.add(c);
                    joined.add(c[1]);
                    pendingLeaves.removeIf(l -> {
                        if (l[1].equals(c[1])) {
                            ordered.add(l);
                            return true;
                        }
                        return false;
                    });
                } else if (joined.contains(c[1])) {
                    ordered.add(c);
                } else {
                    pendingLeaves.add(c);
                }
            }
            List<String> members = new ArrayList<>(List.of(g.owner()));
            for (String[] c : ordered) {
                t = t.plusSeconds(1);
                if (c[0].equals("join")) {
                    members.add(c[1]);
                    event(Kind.GROUP_JOIN, t, c[1], null, null, null, g.chatId(), c[2], members, null);
                } else {
                    members.remove(c[1]);
                    event(Kind.GROUP_LEAVE, t, c[1], null, null, null, g.chatId(), null, members, null);
                }
            }
        }

        void event(Kind kind, Instant at, String customer, String staff, String state, String inviter, String chatId,
                   String joinState, List<String> membersAfter, String tagId) {
            int seq = events.size();
            String welcome = kind.isAdd() ? "WELCOME" + Integer.toHexString(seq) + Long.toHexString(at.getEpochSecond()) : null;
            events.add(new LogicalEvent(seq, kind, at, customer, staff, state, inviter, chatId, joinState,
                    xml(kind, at, customer, staff, state, welcome, chatId, membersAfter, tagId)));
        }

        String xml(Kind kind, Instant at, String customer, String staff, String state, String welcomeCode, String chatId,
                   List<String> membersAfter, String tagId) {
            StringBuilder x = new StringBuilder("<xml>");
            cdata(x, "ToUserName", corpId);
            cdata(x, "FromUserName", "sys");
            x.append("<CreateTime>").append(at.getEpochSecond()).append("</CreateTime>");
            cdata(x, "MsgType", "event");
            cdata(x, "Event", kind.event);
            if (kind.event.equals("change_external_chat")) {
                cdata(x, "ChatId", chatId);
            }
            cdata(x, "ChangeType", kind.changeType);
            switch (kind) {
                case ADD, ADD_HALF -> {
                    cdata(x, "UserID", staff);
                    cdata(x, "ExternalUserID", customer);
                    if (state != null) {
                        cdata(x, "State", state);
                    }
                    cdata(x, "WelcomeCode", welcomeCode);
                }
                case REMOVED_BY_CUSTOMER, REMOVED_BY_STAFF, EDIT -> {
                    cdata(x, "UserID", staff);
                    cdata(x, "ExternalUserID", customer);
                }
                case GROUP_JOIN, GROUP_LEAVE -> {
                    boolean join = kind == Kind.GROUP_JOIN;
                    cdata(x, "UpdateDetail", join ? "add_member" : "del_member");
                    x.append(join ? "<JoinScene>3</JoinScene>" : "<QuitScene>0</QuitScene>");
                    x.append("<MemChangeCnt>1</MemChangeCnt><MemChangeList><Item>").append(customer).append("</Item></MemChangeList>");
                    x.append("<LastMemVer>").append(version(membersAfter, join ? customer : null, join ? null : customer))
                            .append("</LastMemVer>");
                    x.append("<CurMemVer>").append(version(membersAfter, null, null)).append("</CurMemVer>");
                }
                case TAG_CREATE -> {
                    cdata(x, "Id", tagId);
                    cdata(x, "TagType", "tag");
                }
                default -> { }
            }
            return x.append("</xml>").toString();
        }

        private static String version(List<String> members, String without, String plus) {
            List<String> m = new ArrayList<>(members);
            if (without != null) {
                m.remove(without);
            }
            if (plus != null) {
                m.add(plus);
            }
            Collections.sort(m);
            return Integer.toHexString(String.join(",", m).hashCode()) + "0000000000000000000000000".substring(0, 24);
        }

        private static void cdata(StringBuilder x, String name, String value) {
            x.append('<').append(name).append("><![CDATA[").append(value).append("]]></").append(name).append('>');
        }

        /**
         * Deliveries in event-time order, with WeCom's redeliveries of a quarter of the events a
         * little later, and a few neighbouring deliveries swapped (events arriving out of order).
         */
        List<Delivery> deliveries(Random random) {
            List<LogicalEvent> byTime = new ArrayList<>(events);
            byTime.sort(Comparator.comparing(LogicalEvent::at).thenComparingInt(LogicalEvent::seq));
            List<Delivery> out = new ArrayList<>();
            byTime.forEach(e -> out.add(new Delivery(e, false)));
            for (LogicalEvent e : byTime) {
                if (random.nextInt(100) < 25) {
                    int after = indexOf(out, e) + 1 + random.nextInt(20);
                    out.add(Math.min(after, out.size()), new Delivery(e, true));
                }
            }
            for (int i = 0; i + 1 < out.size(); i++) {
                if (random.nextInt(100) < 5) {
                    Collections.swap(out, i, i + 1);
                    i++;
                }
            }
            return List.copyOf(out);
        }

        private static int indexOf(List<Delivery> deliveries, LogicalEvent e) {
            for (int i = 0; i < deliveries.size(); i++) {
                if (deliveries.get(i).event() == e) {
                    return i;
                }
            }
            return deliveries.size() - 1;
        }
    }
}
