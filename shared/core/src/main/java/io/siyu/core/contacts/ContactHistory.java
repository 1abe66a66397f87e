package io.siyu.core.contacts;

import io.siyu.core.contacts.ChannelStat.Counter;
import io.siyu.core.events.ContactRemoved.RemovedBy;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything Siyu knows about one customer's relationships, derived from the set of contact
 * events received so far, in event-time order. Because the result depends only on the set (not
 * on arrival order or repetition), redeliveries change nothing and a late event is simply placed
 * where it belongs. Stats are derived the same way ({@link #contributions()}); the store applies
 * only the difference between the old and new contributions, so counters are exact too.
 *
 * <p>Rules (docs/attribution.md):
 * <ul>
 *   <li>Order: event time; at the same second an add comes before a removal; then event id.</li>
 *   <li>A customer is present while at least one relationship is ACTIVE or PENDING.</li>
 *   <li>First-touch attribution: the channel of the customer's earliest add owns the customer;
 *       a later add through another channel (a second staff member, a re-add) does not move it.</li>
 *   <li>NEW_CUSTOMERS and COHORT count the first arrival; RETURNING counts a customer who becomes
 *       present again after having no staff member; LOST_BY_* count a customer losing the last
 *       one (by the side of that last removal). All four go to the first-touch channel and the
 *       local day of the event. ADDS counts every add at the channel of the code it used.</li>
 *   <li>RETAINED_Dn: the customer is present n days after the first arrival, as far as the events
 *       received so far tell (provisional until the day has passed).</li>
 * </ul>
 */
public final class ContactHistory {

    private static final Comparator<ContactFact> ORDER = Comparator.comparing(ContactFact::at)
            .thenComparing(f -> f.isAdd() ? 0 : 1)
            .thenComparing(ContactFact::eventId);

    private final String corpId;
    private final String externalUserId;
    private final ZoneId zone;
    private final List<ContactFact> facts;

    public ContactHistory(String corpId, String externalUserId, ZoneId zone, List<ContactFact> facts) {
        this.corpId = corpId;
        this.externalUserId = externalUserId;
        this.zone = zone;
        List<ContactFact> sorted = new ArrayList<>(facts);
        sorted.sort(ORDER);
        this.facts = List.copyOf(sorted);
    }

    public List<ContactFact> facts() {
        return facts;
    }

    public boolean contains(String eventId) {
        return facts.stream().anyMatch(f -> f.eventId().equals(eventId));
    }

    public ContactHistory with(ContactFact fact) {
        List<ContactFact> more = new ArrayList<>(facts);
        more.add(fact);
        return new ContactHistory(corpId, externalUserId, zone, more);
    }

    /** The channel a state code names: a channel id, a bucket for referral codes, or unattributed. */
    public static String channelOf(String state) {
        if (StateCodes.isChannel(state) && state.length() > StateCodes.CHANNEL_PREFIX.length()) {
            return state.substring(StateCodes.CHANNEL_PREFIX.length());
        }
        if (StateCodes.isReferral(state)) {
            return ChannelStat.REFERRAL;
        }
        return ChannelStat.UNATTRIBUTED;
    }

    /** Each staff member's relationship, tags left empty (they are not derived from events). */
    public Map<String, Relationship> relationships() {
        Map<String, Relationship> out = new LinkedHashMap<>();
        for (ContactFact f : facts) {
            Relationship r = out.get(f.userId());
            out.put(f.userId(), step(r, f));
        }
        return out;
    }

    private Relationship step(Relationship r, ContactFact f) {
        if (f.isAdd()) {
            RelationshipStatus status = f.kind() == ContactFact.Kind.ADD || (r != null && r.active())
                    ? RelationshipStatus.ACTIVE : RelationshipStatus.PENDING;
            String channel = StateCodes.isChannel(f.state()) ? channelOf(f.state()) : null;
            Instant first = r == null || r.firstAddedAt() == null ? f.at() : r.firstAddedAt();
            // A confirmation of a half-add is the same arrival, not a second add.
            boolean confirmation = r != null && r.status() == RelationshipStatus.PENDING && f.kind() == ContactFact.Kind.ADD;
            int adds = (r == null ? 0 : r.addCount()) + (confirmation ? 0 : 1);
            String state = f.state() != null || r == null ? f.state() : r.state();
            String channelId = f.state() != null || r == null ? channel : r.channelId();
            return new Relationship(corpId, externalUserId, f.userId(), status, channelId, state, first,
                    confirmation ? r.addedAt() : f.at(), null, null, adds, Set.of());
        }
        if (r == null) {
            // A removal whose add has not arrived yet: known lost, add time unknown.
            return new Relationship(corpId, externalUserId, f.userId(), RelationshipStatus.LOST, null, null, null, null,
                    f.at(), f.removedBy(), 0, Set.of());
        }
        return new Relationship(corpId, externalUserId, f.userId(), RelationshipStatus.LOST, r.channelId(), r.state(),
                r.firstAddedAt(), r.addedAt(), f.at(), f.removedBy(), r.addCount(), Set.of());
    }

    /** The customer across staff members (name, type and unionid come from WeCom, not from events). */
    public Customer customer() {
        ContactFact first = firstArrival();
        int present = (int) relationships().values().stream().filter(ContactHistory::present).count();
        return new Customer(corpId, externalUserId, first == null ? null : firstChannelId(first),
                first == null ? null : first.state(), first == null ? null : first.at(), present, null, 0, null);
    }

    /** The counters this customer contributes to, by key; the store keeps them to apply differences. */
    public Map<String, Long> contributions() {
        Map<String, Long> out = new TreeMap<>();
        ContactFact first = firstArrival();
        if (first == null) {
            return out; // nothing to attribute until an add arrives
        }
        String owner = channelOf(first.state());
        Map<String, Relationship> state = new HashMap<>();
        Set<String> presentStaff = new LinkedHashSet<>();
        boolean arrived = false;
        for (ContactFact f : facts) {
            boolean wasPresent = !presentStaff.isEmpty();
            Relationship before = state.get(f.userId());
            Relationship r = step(before, f);
            state.put(f.userId(), r);
            if (present(r)) {
                presentStaff.add(f.userId());
            } else {
                presentStaff.remove(f.userId());
            }
            boolean isPresent = !presentStaff.isEmpty();
            LocalDate day = f.at().atZone(zone).toLocalDate();
            if (r.addCount() > (before == null ? 0 : before.addCount())) {
                add(out, channelOf(f.state()), day, Counter.ADDS);
            }
            if (!wasPresent && isPresent) {
                add(out, owner, day, arrived ? Counter.RETURNING : Counter.NEW_CUSTOMERS);
                arrived = true;
            } else if (wasPresent && !isPresent) {
                add(out, owner, day, f.removedBy() == RemovedBy.CUSTOMER ? Counter.LOST_BY_CUSTOMER : Counter.LOST_BY_STAFF);
            }
        }
        LocalDate cohortDay = first.at().atZone(zone).toLocalDate();
        add(out, owner, cohortDay, Counter.COHORT);
        if (presentAt(first.at().plus(Duration.ofDays(1)))) {
            add(out, owner, cohortDay, Counter.RETAINED_D1);
        }
        if (presentAt(first.at().plus(Duration.ofDays(7)))) {
            add(out, owner, cohortDay, Counter.RETAINED_D7);
        }
        if (presentAt(first.at().plus(Duration.ofDays(30)))) {
            add(out, owner, cohortDay, Counter.RETAINED_D30);
        }
        return out;
    }

    /** Whether the customer had a present relationship at that instant (events up to and including it). */
    public boolean presentAt(Instant t) {
        Map<String, Relationship> state = new HashMap<>();
        for (ContactFact f : facts) {
            if (f.at().isAfter(t)) {
                break;
            }
            state.put(f.userId(), step(state.get(f.userId()), f));
        }
        return state.values().stream().anyMatch(ContactHistory::present);
    }

    /** The difference {@code after - before}, without zero entries. */
    public static Map<String, Long> difference(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> delta = new TreeMap<>();
        after.forEach((k, v) -> delta.merge(k, v, Long::sum));
        before.forEach((k, v) -> delta.merge(k, -v, Long::sum));
        delta.values().removeIf(v -> v == 0);
        return delta;
    }

    private ContactFact firstArrival() {
        return facts.stream().filter(ContactFact::isAdd).findFirst().orElse(null);
    }

    private static String firstChannelId(ContactFact first) {
        return StateCodes.isChannel(first.state()) ? channelOf(first.state()) : null;
    }

    private static boolean present(Relationship r) {
        return r != null && r.status() != RelationshipStatus.LOST;
    }

    private static void add(Map<String, Long> out, String channel, LocalDate day, Counter counter) {
        out.merge(new ChannelStat(channel, day, counter).key(), 1L, Long::sum);
    }
}
