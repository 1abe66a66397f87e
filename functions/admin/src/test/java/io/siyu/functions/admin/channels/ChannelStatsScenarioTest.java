package io.siyu.functions.admin.channels;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.siyu.core.channels.Channel;
import io.siyu.core.contacts.ContactFact;
import io.siyu.core.contacts.ContactFact.Kind;
import io.siyu.core.events.ContactRemoved.RemovedBy;
import io.siyu.dynamodb.ContactItems;
import io.siyu.dynamodb.DynamoDbChannels;
import io.siyu.dynamodb.DynamoDbContactLedger;
import io.siyu.functions.admin.AdminHandler;
import io.siyu.lambda.Env;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A generated month of adds, deletions from both sides and re-adds over three channels, recorded
 * in shuffled order with duplicates; the stats endpoint must then report what a plain simulation
 * of the same events in time order counts. The simulation below shares no code with Siyu's.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class ChannelStatsScenarioTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final String CORP = AwsEmulators.CORP_ID;
    private static final String[] CHANNELS = {"storea01", "liveb002", "adsc0003"};
    private static final String[] STAFF = {"zhang", "li", "wang"};

    record Event(String id, String customer, Instant at, boolean add, String staff, String state, RemovedBy by) {}

    @AfterEach
    void restore() {
        Env.useProcessEnvironment();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 2026, 90210})
    void theStatsEndpointReportsWhatASimulationOfTheSameEventsCounts(long seed, AwsEmulators aws) {
        aws.reset();
        Random random = new Random(seed);
        Instant start = LocalDate.now(SHANGHAI).minusDays(45).atStartOfDay(SHANGHAI).toInstant();
        List<Event> events = generate(random, start);

        DynamoDbChannels channels = new DynamoDbChannels(aws.dynamoDb(), aws.stack().tableName("ChannelsTable"));
        for (String c : CHANNELS) {
            channels.save(new Channel(CORP, c, "channel " + c, List.of("zhang"), true, List.of(), null, null, "cfg-" + c, "qr",
                    null, null, Channel.Status.ACTIVE, start, start, "test"));
        }
        DynamoDbContactLedger ledger = new DynamoDbContactLedger(aws.dynamoDb(), aws.stack().tableName("ContactsTable"),
                aws.stack().tableName("ChannelStatsTable"), ContactItems.CORP_ZONE);
        List<Event> deliveries = new ArrayList<>(events);
        deliveries.addAll(events.subList(0, events.size() / 4)); // redeliveries
        Collections.shuffle(deliveries, random);
        for (Event e : deliveries) {
            ledger.record(CORP, e.customer(), new ContactFact(e.id(), e.at(), e.add() ? Kind.ADD : Kind.REMOVE, e.staff(), e.state(), e.by()), false);
        }

        Map<String, Map<LocalDate, long[]>> expected = simulate(events);
        Env.use(aws.environmentOf("AdminFunction"));
        AdminCalls admin = new AdminCalls(new AdminHandler());
        LocalDate from = start.atZone(SHANGHAI).toLocalDate();
        LocalDate to = LocalDate.now(SHANGHAI);
        for (String channel : List.of(CHANNELS[0], CHANNELS[1], CHANNELS[2], "_unattributed")) {
            JsonNode report = admin.call("GET", "/admin/channels/" + channel + "/stats?from=" + from + "&to=" + to, null, 200);
            Map<LocalDate, long[]> want = expected.getOrDefault(channel, Map.of());
            for (JsonNode row : report.path("days")) {
                long[] w = want.getOrDefault(LocalDate.parse(row.path("day").asText()), new long[9]);
                long[] got = {row.path("adds").asLong(), row.path("newCustomers").asLong(), row.path("returning").asLong(),
                        row.path("lostByCustomer").asLong(), row.path("lostByStaff").asLong(), row.path("cohort").asLong(),
                        row.path("retentionD1").path("retained").asLong(), row.path("retentionD7").path("retained").asLong(),
                        row.path("retentionD30").path("retained").asLong()};
                assertThat(got).as("%s on %s (adds, new, returning, lostByCustomer, lostByStaff, cohort, d1, d7, d30)",
                        channel, row.path("day").asText()).containsExactly(w);
            }
            long wantNet = want.values().stream().mapToLong(w -> w[1] + w[2] - w[3] - w[4]).sum();
            assertThat(report.path("totals").path("net").asLong()).as("net of " + channel).isEqualTo(wantNet);
        }
        JsonNode ranking = admin.call("GET", "/admin/channels/ranking?from=" + from + "&to=" + to + "&by=newCustomers", null, 200);
        long previous = Long.MAX_VALUE;
        for (JsonNode row : ranking.path("channels")) {
            long news = row.path("totals").path("newCustomers").asLong();
            assertThat(news).isLessThanOrEqualTo(previous);
            previous = news;
            long want = expected.getOrDefault(row.path("channelId").asText(), Map.of()).values().stream().mapToLong(w -> w[1]).sum();
            assertThat(news).isEqualTo(want);
        }
    }

    /** Customers arrive through a channel (or none), sometimes add a second staff member, delete and come back. */
    private static List<Event> generate(Random random, Instant start) {
        List<Event> events = new ArrayList<>();
        int n = 0;
        for (int c = 0; c < 30; c++) {
            String customer = "wm" + c;
            Instant t = start.plus(Duration.ofMinutes(random.nextInt(40 * 24 * 60)));
            Set<String> present = new HashSet<>();
            for (int step = 0; step < 1 + random.nextInt(6) && t.isBefore(Instant.now()); step++) {
                boolean canRemove = !present.isEmpty();
                if (!canRemove || random.nextInt(3) == 0) {
                    String staff = STAFF[random.nextInt(STAFF.length)];
                    if (present.contains(staff)) {
                        continue;
                    }
                    int pick = random.nextInt(CHANNELS.length + 1);
                    String state = pick == CHANNELS.length ? null : "ch_" + CHANNELS[pick];
                    events.add(new Event("ev" + n++, customer, t, true, staff, state, null));
                    present.add(staff);
                } else {
                    String staff = new ArrayList<>(present).get(random.nextInt(present.size()));
                    events.add(new Event("ev" + n++, customer, t, false, staff, null,
                            random.nextBoolean() ? RemovedBy.CUSTOMER : RemovedBy.STAFF));
                    present.remove(staff);
                }
                t = t.plus(Duration.ofMinutes(1 + random.nextInt(6 * 24 * 60)));
            }
        }
        return events;
    }

    /** channel -> day -> {adds, new, returning, lostByCustomer, lostByStaff, cohort, d1, d7, d30}. */
    private static Map<String, Map<LocalDate, long[]>> simulate(List<Event> events) {
        Map<String, List<Event>> byCustomer = new TreeMap<>();
        events.forEach(e -> byCustomer.computeIfAbsent(e.customer(), k -> new ArrayList<>()).add(e));
        Map<String, Map<LocalDate, long[]>> out = new HashMap<>();
        for (List<Event> history : byCustomer.values()) {
            history.sort((a, b) -> a.at().compareTo(b.at()));
            Event first = history.stream().filter(Event::add).findFirst().orElseThrow();
            String owner = first.state() == null ? "_unattributed" : first.state().substring(3);
            Set<String> present = new HashSet<>();
            boolean arrived = false;
            for (Event e : history) {
                LocalDate day = e.at().atZone(SHANGHAI).toLocalDate();
                boolean before = !present.isEmpty();
                if (e.add()) {
                    present.add(e.staff());
                    count(out, e.state() == null ? "_unattributed" : e.state().substring(3), day, 0);
                } else {
                    present.remove(e.staff());
                }
                boolean after = !present.isEmpty();
                if (!before && after) {
                    count(out, owner, day, arrived ? 2 : 1);
                    arrived = true;
                } else if (before && !after) {
                    count(out, owner, day, e.by() == RemovedBy.CUSTOMER ? 3 : 4);
                }
            }
            LocalDate cohortDay = first.at().atZone(SHANGHAI).toLocalDate();
            count(out, owner, cohortDay, 5);
            int[] horizons = {1, 7, 30};
            for (int i = 0; i < 3; i++) {
                Instant at = first.at().plus(Duration.ofDays(horizons[i]));
                Set<String> p = new HashSet<>();
                for (Event e : history) {
                    if (e.at().isAfter(at)) {
                        break;
                    }
                    if (e.add()) {
                        p.add(e.staff());
                    } else {
                        p.remove(e.staff());
                    }
                }
                if (!p.isEmpty()) {
                    count(out, owner, cohortDay, 6 + i);
                }
            }
        }
        return out;
    }

    private static void count(Map<String, Map<LocalDate, long[]>> out, String channel, LocalDate day, int index) {
        out.computeIfAbsent(channel, k -> new HashMap<>()).computeIfAbsent(day, k -> new long[9])[index]++;
    }
}
