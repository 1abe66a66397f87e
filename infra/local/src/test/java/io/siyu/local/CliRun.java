package io.siyu.local;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** Runs siyu.jar's command line in process, with stdin given and stdout/stderr captured. */
public record CliRun(int exitCode, String out, String err) {

    public static final Clock FIXED = Clock.fixed(Instant.parse("2026-11-23T04:00:00Z"), ZoneOffset.UTC);

    public static CliRun run(String stdin, String... args) {
        return run(FIXED, stdin, args);
    }

    /** With the real clock (commands that talk to a stack, which checks callback timestamps). */
    public static CliRun runLive(String stdin, String... args) {
        return run(Clock.systemUTC(), stdin, args);
    }

    private static CliRun run(Clock clock, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Terminal terminal = new Terminal(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                clock, false);
        int code = SiyuCli.run(terminal, args);
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    public List<String> errLines() {
        return err.lines().toList();
    }

    public List<String> outLines() {
        return out.lines().toList();
    }
}
