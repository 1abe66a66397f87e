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
 * the admin API, the local control API), and every number the stack reports checked against
 * expectations computed independently from the generated input (Expectations, from the rules in
 * docs/attribution.md and docs/events.md, not from Siyu's code). Grows with the demo's steps.
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
    }

    @Test
    void theDemoCommandDrivesARunningStackAndExitsZeroWhenEveryFigureMatches() {
        CliRun run = CliRun.runLive("", "demo", "--url", stack.url().toString(), "--seed", "7", "--customers", "12");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("[1/8] stack at " + stack.url()).contains("Report").contains("figures match");
    }

    @Test
    void aFigureThatDiffersIsReportedAsAMismatch() {
        DemoReport report = new DemoReport();
        assertThat(report.compare("channels", "x net", 3, 3)).isEqualTo("3");
        assertThat(report.compare("channels", "y net", 3, 2)).isEqualTo("2 (expected 3)");
        assertThat(report.mismatches()).extracting(DemoReport.Figure::name).containsExactly("y net");
    }
}
