package io.siyu.local;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;

/**
 * What a command talks to: standard streams and the clock, passed in so tests run commands in
 * process with captured output and a fixed time.
 *
 * @param interactive true when stdout is a person's terminal (then a trailing newline is polite);
 *                    false when piped (then output is exact)
 */
public record Terminal(InputStream in, PrintStream out, PrintStream err, Clock clock, boolean interactive) {

    public static Terminal system() {
        return new Terminal(System.in, System.out, System.err, Clock.systemUTC(), System.console() != null);
    }
}
