package io.siyu.local;

import io.siyu.local.stack.LocalStack;
import io.siyu.local.stack.StackSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code siyu up}: starts the local stack and serves until Ctrl-C. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Start the whole function set of template.yaml in this JVM (no Docker).",
                "Configuration: WECOM_CORP_ID, WECOM_TOKEN, WECOM_AES_KEY, WECOM_SECRET, SIYU_ADMIN_TOKEN,",
                "SIYU_HTTP_PORT (3000), SIYU_HTTP_HOST (127.0.0.1), WECOM_API_BASE_URL (default: the stub),",
                "SIYU_SCHEDULES (auto | manual), SIYU_CONSOLE_DIR. See docs/local-stack.md."})
public final class UpCommand implements Callable<Integer> {

    private final Terminal terminal;

    @Option(names = "--data", paramLabel = "DIR", description = "keep DynamoDB Local's files in DIR between runs (default: in memory)")
    Path data;

    @Option(names = "--repo", paramLabel = "DIR", description = "the repository root with template.yaml (default: found from the current folder or the jar)")
    Path repo;

    public UpCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() throws InterruptedException {
        Path root = repoRoot(repo);
        if (root == null) {
            terminal.err().println("error: no template.yaml found from " + Path.of("").toAbsolutePath()
                    + "; run from the repository root or pass --repo DIR");
            return ExitCodes.START_FAILED;
        }
        LocalStack stack;
        try {
            terminal.out().println("Starting the Siyu local stack from " + root.resolve("template.yaml") + " ...");
            stack = LocalStack.start(StackSettings.fromEnvironment(root, data));
        } catch (LocalStack.PortInUse e) {
            terminal.err().println("error: " + e.getMessage());
            return ExitCodes.PORT_IN_USE;
        } catch (LocalStack.StartFailed | IllegalArgumentException e) {
            terminal.err().println("error: the stack did not start: " + e.getMessage());
            return ExitCodes.START_FAILED;
        }
        stack.printBanner(terminal.out());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            terminal.out().println("Stopping the Siyu local stack ...");
            stack.close();
            terminal.out().println("Stopped.");
            stopped.countDown();
        }, "siyu-stop"));
        stopped.await();
        return ExitCodes.OK;
    }

    /** The given folder, else the repository around the current folder, else the one the jar was built in. */
    static Path repoRoot(Path given) {
        if (given != null) {
            return Files.isRegularFile(given.resolve("template.yaml")) ? given.toAbsolutePath().normalize() : null;
        }
        Path fromHere = StackSettings.findRepoRoot(Path.of(""));
        if (fromHere != null) {
            return fromHere;
        }
        try {
            Path jar = Path.of(SiyuCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return StackSettings.findRepoRoot(jar.getParent());
        } catch (Exception e) {
            return null;
        }
    }
}
