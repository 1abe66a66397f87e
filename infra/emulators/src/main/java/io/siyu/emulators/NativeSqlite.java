package io.siyu.emulators;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * DynamoDB Local stores tables in SQLite through sqlite4java, which loads a native library from
 * the folder named by {@code sqlite4java.library.path}. The library travels inside this jar; it
 * is unpacked once per JVM into a temporary folder.
 */
final class NativeSqlite {
    private static final String PROPERTY = "sqlite4java.library.path";
    private static final String LIBRARY = "libsqlite4java-linux-amd64.so";

    private NativeSqlite() {}

    static synchronized void ensureAvailable() {
        if (System.getProperty(PROPERTY) != null) {
            return;
        }
        String os = System.getProperty("os.name", "").toLowerCase();
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new IllegalStateException("the bundled SQLite library is for linux-amd64; on " + os + "/" + arch
                    + " pass -D" + PROPERTY + "=<folder with sqlite4java's native library>");
        }
        try (InputStream in = NativeSqlite.class.getResourceAsStream("native/" + LIBRARY)) {
            if (in == null) {
                throw new IllegalStateException(LIBRARY + " is missing from the emulators jar (build with Maven)");
            }
            Path dir = Files.createTempDirectory("siyu-sqlite4java");
            Files.copy(in, dir.resolve(LIBRARY), StandardCopyOption.REPLACE_EXISTING);
            dir.toFile().deleteOnExit();
            dir.resolve(LIBRARY).toFile().deleteOnExit();
            System.setProperty(PROPERTY, dir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + LIBRARY, e);
        }
    }
}
