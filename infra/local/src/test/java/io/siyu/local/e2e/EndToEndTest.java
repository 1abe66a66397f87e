package io.siyu.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.siyu.local.CliRun;
import io.siyu.local.demo.Demo;
import io.siyu.local.demo.DemoReport;
import io.siyu.local.demo.Expectations;
import io.siyu.local.demo.Scenario;
import io.siyu.local.demo.StackClient;
import io.siyu.local.stack.LocalStack;
import io.siyu.local.stack.StackSettings;
import io.siyu.testing.RepositoryFiles;
import io.siyu.testing.TestTarget;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 8's end-to-end test: the stack on free ports, driven only through HTTP (WeCom callbacks,
 * orders, the admin API, the local control API), and every number the stack reports checked
 * against expectations computed independently from the generated input (Expectations, from the
 * rules in docs/attribution.md, events.md, referral.md, sop.md, orders.md and rfm.md; only the
 * scoring of RFM totals is the production rule). Grows with the demo's steps.
 */
@Tag("emulator")
class EndToEndTest {

    static LocalStack stack;
    static StackClient client;

    @BeforeAll
    static void start() {
        // The local stack always runs its own in-process emulators; the moto pass would repeat this unchanged.
        assumeTrue(TestTarget.current() == TestTarget.IN_PROCESS, "the local stack runs its own emulators");
        StackSettings settings = StackSettings.forTests(RepositoryFiles.root());
        stack = LocalStack.start(settings);
        client = new StackClient(stack.url(), settings.adminToken(), settings.corpId(), settings.wecomToken(),
                settings.wecomAesKey(), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyFigureTheStackReportsMatchesWhatTheGeneratedInputImplies() {
        Scenario scenario = Scenario.generate(20261123L, 40, stack.settings().corpId(), Instant.now());
        Expectations expected = Expectations.of(scenario);
        // The scenario exercises what it claims to: otherwise matching figures would prove little.
        assertThat(scenario.deliveries()).anyMatch(Scenario.Delivery::redelivery);
        assertThat(expected.busEvents().keySet()).contains("ContactAdded", "ContactRemoved", "GroupMemberJoined",
                "GroupMemberLeft", "GroupCreated", "TagChanged");
        assertThat(expected.funnels().values()).anyMatch(f -> f.returning() > 0);
        assertThat(expected.funnels().values()).anyMatch(f -> f.lostByCustomer() > 0);
        assertThat(expected.funnels().values()).anyMatch(f -> f.lostByStaff() > 0);
        assertThat(expected.funnels().get(Expectations.UNATTRIBUTED).newCustomers()).isPositive();
        assertThat(expected.funnels().get(Expectations.REFERRAL).newCustomers()).isPositive();
        assertThat(expected.inviters().values()).anyMatch(i -> i.count() > 0);
        assertThat(expected.inviters().values()).anyMatch(i -> i.lost() > 0); // a rollback
        assertThat(expected.inviters().values()).anyMatch(i -> i.peak() > i.count()); // the peak outlived a loss
        assertThat(scenario.events()).anyMatch(e -> e.inviter() != null && e.kind() == Scenario.Kind.ADD_HALF);
        assertThat(expected.sop().planned()).isPositive();
        assertThat(expected.sop().skippedLost()).isPositive();
        assertThat(expected.orders().replaced()).isPositive();
        assertThat(expected.rfm().segments().values().stream().filter(n -> n > 0)).hasSizeGreaterThan(2);
        assertThat(expected.rfm().stages().values().stream().filter(n -> n > 0)).hasSizeGreaterThan(2);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        DemoReport report = new Demo(client, scenario, new PrintStream(progress, true, StandardCharsets.UTF_8)).run();

        System.out.println(progress.toString(StandardCharsets.UTF_8));
        assertThat(report.mismatches()).as(progress.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(report.figure("bus events", "ContactAdded").actual()).isEqualTo(expected.busEvents().get("ContactAdded").longValue());
        assertThat(report.figure("callbacks", "answered 200").actual()).isEqualTo((long) scenario.deliveries().size());
        // Every channel of the scenario, and the unattributed bucket, is compared on five figures.
        Set<String> compared = report.figures().stream().filter(f -> f.section().equals("channels"))
                .map(f -> f.name().substring(0, f.name().lastIndexOf(' '))).collect(Collectors.toSet());
        assertThat(compared).containsExactlyInAnyOrderElementsOf(expected.funnels().keySet());
        assertThat(expected.funnels().values().stream().mapToInt(Expectations.Funnel::net).sum()).isPositive();
        // Each inviter's leaderboard row, the k-factor, the SOP's sends and every RFM segment and stage are compared.
        Set<String> referral = report.figures().stream().filter(f -> f.section().equals("referral")).map(DemoReport.Figure::name)
                .collect(Collectors.toSet());
        expected.inviters().keySet().forEach(i -> assertThat(referral).contains(i + " count", i + " peak", i + " credited", i + " lost"));
        assertThat(referral).contains("k-factor x1000", "new customers", "participants", "net", "pending holds");
        assertThat(report.figure("sop", "sent").actual()).isEqualTo(expected.sop().planned());
        assertThat(report.figure("sop", "WeCom recipients").actual()).isEqualTo(expected.sop().planned());
        assertThat(report.figure("orders", "ignored").actual()).isEqualTo(expected.orders().ignored());
        assertThat(report.figures().stream().filter(f -> f.section().equals("rfm"))).hasSize(1 + 8 + 5);
        assertThat(report.figure("rfm", "customers").actual()).isEqualTo(expected.rfm().customers()).isPositive();
    }

    @Test
    void theDemoCommandDrivesARunningStackAndExitsZeroWhenEveryFigureMatches() {
        CliRun run = CliRun.runLive("", "demo", "--url", stack.url().toString(), "--seed", "7", "--customers", "12");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("[1/9] stack at " + stack.url()).contains("Report").contains("figures match");
    }

    @Test
    void aFigureThatDiffersIsReportedAsAMismatch() {
        DemoReport report = new DemoReport();
        assertThat(report.compare("channels", "x net", 3, 3)).isEqualTo("3");
        assertThat(report.compare("channels", "y net", 3, 2)).isEqualTo("2 (expected 3)");
        assertThat(report.mismatches()).extracting(DemoReport.Figure::name).containsExactly("y net");
    }
}
