package io.siyu.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository root (where template.yaml is) and the reference folder beside it. */
public final class RepositoryFiles {
    private RepositoryFiles() {}

    public static Path root() {
        String configured = System.getenv("SIYU_REPO_DIR");
        if (configured != null && Files.exists(Path.of(configured, "template.yaml"))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.exists(dir.resolve("template.yaml")) && Files.exists(dir.resolve("pom.xml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the repository root (template.yaml) above " + Path.of("").toAbsolutePath());
    }

    public static Path template() {
        return root().resolve("template.yaml");
    }

    /** The reference material beside the repository ({@code ../shared}: data sets, notes). */
    public static Path referenceDir() {
        String configured = System.getenv("SIYU_SHARED_DIR");
        Path dir = configured != null ? Path.of(configured) : root().resolve("../shared");
        return dir.toAbsolutePath().normalize();
    }
}
