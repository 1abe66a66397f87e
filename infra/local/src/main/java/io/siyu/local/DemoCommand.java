package io.siyu.local;

import io.siyu.lambda.Env;
import io.siyu.local.demo.Demo;
import io.siyu.local.demo.DemoReport;
import io.siyu.local.demo.Scenario;
import io.siyu.local.demo.StackClient;
import io.siyu.local.stack.LocalStack;
import io.siyu.local.stack.StackSettings;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code siyu demo}: drives a running stack (or one it starts) through HTTP and prints a report. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Create channels, a referral campaign with inviter codes, an SOP and RFM thresholds through the",
                "admin API, send a realistic stream of encrypted WeCom callbacks (adds, removals, returns, referral",
                "invitees, group joins and leaves, redeliveries, out-of-order deliveries) and signed orders, fire the",
                "schedules, and report customers per channel, the referral leaderboard and k-factor, SOP sends and",
                "customers per RFM segment next to what the generated input implies.",
                "Uses the stack at --url, or starts one in this JVM when none answers there.",
                "Exits 0 when every figure matches, 1 when one differs."})
public final class DemoCommand implements Callable<Integer> {

    private final Terminal terminal;

    @Option(names = "--url", description = "the stack's URL (default http://127.0.0.1:$SIYU_HTTP_PORT, port 3000)")
    URI url;

    @Option(names = "--seed", description = "the scenario's random seed (default: a new one, printed)")
    Long seed;

    @Option(names = "--customers", defaultValue = "40", description = "how many customers take part (default ${DEFAULT-VALUE})")
    int customers;

    @Option(names = "--keep", description = "when the demo started the stack itself, keep it running afterwards (Ctrl-C stops it)")
    boolean keep;

    @Option(names = "--repo", paramLabel = "DIR", description = "the repository root, if the demo starts a stack")
    Path repo;

    public DemoCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() throws InterruptedException {
        long s = seed != null ? seed : new SecureRandom().nextLong() & 0xffffffffL;
        URI base = url != null ? url : URI.create("http://127.0.0.1:" + Env.integer("SIYU_HTTP_PORT", StackSettings.DEFAULT_HTTP_PORT));
        StackClient client = client(base);
        LocalStack started = null;
        if (!client.reachable()) {
            Path root = UpCommand.repoRoot(repo);
            if (root == null) {
                terminal.err().println("error: no stack answers at " + client.base() + " and no template.yaml was found to start one");
                return ExitCodes.START_FAILED;
            }
            terminal.out().println("No stack answers at " + client.base() + "; starting one in this JVM ...");
            try {
                StackSettings settings = StackSettings.fromEnvironment(root, null);
                started = LocalStack.start(settings.withHttpPort(base.getPort()));
            } catch (LocalStack.PortInUse e) {
                terminal.err().println("error: " + e.getMessage());
                return ExitCodes.PORT_IN_USE;
            } catch (LocalStack.StartFailed e) {
                terminal.err().println("error: the stack did not start: " + e.getMessage());
                return ExitCodes.START_FAILED;
            }
            started.printBanner(terminal.out());
            client = client(started.url());
        }
        try {
            terminal.out().println("Siyu demo, seed " + s + " (run it again with --seed " + s + "), " + customers + " customers");
            Scenario scenario = Scenario.generate(s, customers, Env.optional("WECOM_CORP_ID", StackSettings.DEFAULT_CORP_ID),
                    terminal.clock().instant());
            DemoReport report = new Demo(client, scenario, terminal.out()).run();
            return report.mismatches().isEmpty() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
        } finally {
            if (started != null) {
                if (keep) {
                    terminal.out().println("The stack keeps running at " + started.url() + "; Ctrl-C stops it.");
                    LocalStack stack = started;
                    CountDownLatch stopped = new CountDownLatch(1);
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        stack.close();
                        stopped.countDown();
                    }, "siyu-stop"));
                    stopped.await();
                } else {
                    started.close();
                }
            }
        }
    }

    /** A client with the same configuration the stack reads (the same variables, the same defaults). */
    private StackClient client(URI base) {
        return new StackClient(base, Env.optional("SIYU_ADMIN_TOKEN", StackSettings.DEFAULT_ADMIN_TOKEN),
                Env.optional("WECOM_CORP_ID", StackSettings.DEFAULT_CORP_ID),
                Env.optional("WECOM_TOKEN", StackSettings.DEFAULT_TOKEN),
                Env.optional("WECOM_AES_KEY", StackSettings.DEFAULT_AES_KEY), terminal.clock());
    }
}
