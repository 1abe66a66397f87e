package io.siyu.bench;

import io.siyu.testing.RepositoryFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** Writes a benchmark's results file under infra/benchmarks/results/, stamped with the machine. */
public final class Results {
    private Results() {}

    public static Path write(String fileName, String markdown) {
        Path file = RepositoryFiles.root().resolve("infra/benchmarks/results").resolve(fileName);
        String stamp = String.format("%n---%nMeasured %s on %d cores, %s %s, Java %s (%s). Shared, noisy machine: compare ratios within one run.%n",
                ZonedDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"),
                System.getProperty("java.vm.name"));
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, markdown + stamp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("wrote " + file);
        return file;
    }
}
