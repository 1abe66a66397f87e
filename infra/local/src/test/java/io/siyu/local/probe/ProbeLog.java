package io.siyu.local.probe;

import io.siyu.lambda.Env;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Test functions for the local stack, packed into a jar of their own at test time (with
 * io.siyu.lambda.Env, nothing else: they use only the JDK and the Lambda events the host shares).
 * Each writes one line per invocation to {@code $PROBE_LOG/<file>}, which tests read back.
 */
final class ProbeLog {

    private final Path file;

    ProbeLog(String name) {
        this.file = Path.of(Env.required("PROBE_LOG")).resolve(name);
    }

    void write(String line) {
        try {
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
