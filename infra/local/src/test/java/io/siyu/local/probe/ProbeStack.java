package io.siyu.local.probe;

import io.siyu.lambda.Env;
import io.siyu.local.stack.LocalStack;
import io.siyu.local.stack.StackSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A throwaway repository for stack tests: a template written by the test, and a probe function
 * jar (the probe classes and io.siyu.lambda.Env, nothing else) at the CodeUri it names.
 */
public final class ProbeStack {

    public static final String JAR = "probe/target/probe.jar";

    private final Path root;
    private final Path log;

    private ProbeStack(Path root) {
        this.root = root;
        this.log = root.resolve("probe-log");
    }

    /** Writes {@code template} and the probe jar into a fresh folder. */
    public static ProbeStack create(String template) {
        try {
            Path root = Files.createTempDirectory("siyu-probe-stack");
            Files.writeString(root.resolve("template.yaml"), template, StandardCharsets.UTF_8);
            Files.createDirectories(root.resolve("probe-log"));
            buildJar(root.resolve(JAR));
            return new ProbeStack(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path root() {
        return root;
    }

    /** Settings for a stack on this repository (the probes log under {@link #logDir()}). */
    public StackSettings settings() {
        return StackSettings.forTests(root).withTemplateParameters(Map.of("ProbeLog", log.toString()));
    }

    public LocalStack start(StackSettings settings) {
        return LocalStack.start(settings);
    }

    public Path logDir() {
        return log;
    }

    /** The lines a probe wrote so far. */
    public List<String> lines(String file) {
        Path f = log.resolve(file);
        try {
            return Files.exists(f) ? Files.readAllLines(f, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void buildJar(Path jar) throws IOException {
        Files.createDirectories(jar.getParent());
        Path probeClasses = classesRoot(ProbeLog.class);
        Path envClasses = classesRoot(Env.class);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            add(out, probeClasses, "io/siyu/local/probe/");
            add(out, envClasses, "io/siyu/lambda/Env");
        }
    }

    private static void add(JarOutputStream out, Path classesRoot, String prefix) throws IOException {
        if (Files.isRegularFile(classesRoot)) { // a jar on the class path
            try (var fs = java.nio.file.FileSystems.newFileSystem(classesRoot)) {
                addTree(out, fs.getPath("/"), prefix);
            }
        } else {
            addTree(out, classesRoot, prefix);
        }
    }

    private static void addTree(JarOutputStream out, Path root, String prefix) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                String name = root.relativize(p).toString().replace('\\', '/');
                if (name.startsWith(prefix) && name.endsWith(".class")) {
                    out.putNextEntry(new JarEntry(name));
                    out.write(Files.readAllBytes(p));
                    out.closeEntry();
                }
            }
        }
    }

    private static Path classesRoot(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
