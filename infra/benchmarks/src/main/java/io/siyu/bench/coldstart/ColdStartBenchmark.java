package io.siyu.bench.coldstart;

import io.siyu.bench.Results;
import io.siyu.emulators.template.FunctionDefinition;
import io.siyu.emulators.template.SamTemplate;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.RepositoryFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cold start of every function jar: a fresh JVM (with the template's JAVA_TOOL_OPTIONS) whose
 * class path is only the function's jar plus the Lambda runtime's serialiser, configured with the
 * function's template environment pointed at emulators running in this process, builds the
 * handler and handles one realistic event. Whole-process time is measured from start to exit,
 * several rounds interleaved across functions, median reported, and compared with the floor: a
 * handler that returns a constant, measured the same way in the same rounds.
 *
 * <p>Run: {@code java -cp infra/benchmarks/target/benchmarks.jar io.siyu.bench.coldstart.ColdStartBenchmark [rounds]}
 */
public final class ColdStartBenchmark {

    private static final Pattern PROBE = Pattern.compile("PROBE init_ms=([0-9.]+) invoke_ms=([0-9.]+)");

    record Target(String name, List<String> classPath, String handler, Map<String, String> env, String event, long jarBytes) {}

    record Sample(double processMs, double initMs, double invokeMs) {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        Path repo = RepositoryFiles.root();
        SamTemplate template = SamTemplate.load(repo.resolve("template.yaml"));
        AwsEmulators aws = AwsEmulators.shared();
        Path work = Files.createTempDirectory("siyu-coldstart");
        Path runtime = extract(work.resolve("runtime"), List.of("io/siyu/bench/coldstart/Probe",
                "com/amazonaws/services/lambda/runtime/serialization/", "com/amazonaws/lambda/thirdparty/"), List.of());
        Path floor = extract(work.resolve("floor"), List.of("io/siyu/bench/coldstart/ConstantHandler",
                "com/amazonaws/services/lambda/runtime/"), List.of("com/amazonaws/services/lambda/runtime/events/",
                "com/amazonaws/services/lambda/runtime/serialization/"));
        List<String> jvmOptions = List.of(String.valueOf(template.functions().get(0).environment()
                .getOrDefault("JAVA_TOOL_OPTIONS", "")).split("\\s+"));

        ColdStartEvents events = new ColdStartEvents(aws);
        List<Target> targets = new ArrayList<>();
        targets.add(new Target("floor (constant handler)", List.of(floor.toString(), runtime.toString()),
                ConstantHandler.class.getName(), Map.of(), "{}", 0));
        List<String> skipped = new ArrayList<>();
        for (FunctionDefinition f : template.functions()) {
            Path jar = repo.resolve(f.codeUri());
            var event = events.forFunction(f.logicalId());
            if (!Files.exists(jar) || event.isEmpty()) {
                skipped.add(f.logicalId() + (Files.exists(jar) ? " (no event defined here yet)" : " (jar not built)"));
                continue;
            }
            targets.add(new Target(f.logicalId(), List.of(jar.toString(), runtime.toString()), f.handlerClass(),
                    aws.environmentOf(f.logicalId()), event.get(), Files.size(jar)));
        }

        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        for (int round = 0; round <= rounds; round++) {
            for (Target t : targets) {
                // The event is re-made for each run where it carries a timestamp (the callback checks it).
                String event = t.name().startsWith("floor") ? t.event() : events.forFunction(t.name()).orElseThrow();
                Sample s = run(t, event, work, jvmOptions);
                if (round > 0) { // round 0 warms the page cache only
                    samples.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(s);
                }
                System.out.printf("round %d %-28s %7.0f ms (init %.0f, first invoke %.0f)%n", round, t.name(), s.processMs(), s.initMs(), s.invokeMs());
            }
        }
        write(targets, samples, rounds, skipped, jvmOptions);
        aws.close();
        System.exit(0);
    }

    private static Sample run(Target t, String event, Path work, List<String> jvmOptions) throws IOException, InterruptedException {
        Path envFile = work.resolve(t.name().replaceAll("\\W", "_") + ".env");
        Properties env = new Properties();
        env.putAll(t.env());
        try (Writer w = Files.newBufferedWriter(envFile, StandardCharsets.UTF_8)) {
            env.store(w, null);
        }
        Path eventFile = work.resolve(t.name().replaceAll("\\W", "_") + ".json");
        Files.writeString(eventFile, event);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        jvmOptions.stream().filter(o -> !o.isBlank()).forEach(command::add);
        command.addAll(List.of("-cp", String.join(java.io.File.pathSeparator, t.classPath()), Probe.class.getName(),
                t.handler(), envFile.toString(), eventFile.toString()));
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        double ms = (System.nanoTime() - start) / 1e6;
        Matcher m = PROBE.matcher(output);
        if (exit != 0 || !m.find()) {
            throw new IllegalStateException(t.name() + " did not complete its invocation (exit " + exit + "):\n" + output);
        }
        return new Sample(ms, Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)));
    }

    private static void write(List<Target> targets, Map<String, List<Sample>> samples, int rounds, List<String> skipped,
                              List<String> jvmOptions) {
        double floor = median(samples.get(targets.get(0).name()).stream().map(Sample::processMs).toList());
        StringBuilder md = new StringBuilder("# Cold start per function\n\n");
        md.append("A fresh JVM per run: the function's jar and the Lambda runtime's serialiser on the class path, JVM options ")
                .append("from the template (`").append(String.join(" ", jvmOptions)).append("`), configuration from the template, ")
                .append("then the handler built by its public constructor (init) and one realistic event handled, against ")
                .append("DynamoDB Local, ElasticMQ and the WireMock EventBridge and WeCom stubs in the benchmark's process. ")
                .append("Medians of ").append(rounds).append(" runs, interleaved across functions (a first, discarded round warms the page cache). ")
                .append("No SnapStart here: these are the numbers SnapStart exists to remove.\n\n");
        md.append("| function | jar | process (ms) | init (ms) | first invoke (ms) | × floor |\n|---|---|---|---|---|---|\n");
        for (Target t : targets) {
            List<Sample> s = samples.get(t.name());
            double process = median(s.stream().map(Sample::processMs).toList());
            md.append(String.format("| %s | %s | %.0f | %.0f | %.0f | %.2f |%n", t.name(),
                    t.jarBytes() == 0 ? "-" : String.format("%.1f MB", t.jarBytes() / 1e6), process,
                    median(s.stream().map(Sample::initMs).toList()), median(s.stream().map(Sample::invokeMs).toList()),
                    process / floor));
        }
        if (!skipped.isEmpty()) {
            md.append("\nNot measured: ").append(String.join(", ", skipped)).append(".\n");
        }
        md.append("\nRun: `mvn -B -DskipTests package && java -cp infra/benchmarks/target/benchmarks.jar "
                + "io.siyu.bench.coldstart.ColdStartBenchmark [rounds]`\n");
        Results.write("cold-start.md", md.toString());
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Copies the entries of this benchmark's own jar that start with one of the prefixes into a folder. */
    private static Path extract(Path dir, List<String> prefixes, List<String> excluded) throws IOException {
        Path self = Path.of(ColdStartBenchmark.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        if (!Files.isRegularFile(self)) {
            throw new IllegalStateException("run from infra/benchmarks/target/benchmarks.jar (see the class comment)");
        }
        try (JarFile jar = new JarFile(self.toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                String name = e.getName();
                if (e.isDirectory() || prefixes.stream().noneMatch(name::startsWith) || excluded.stream().anyMatch(name::startsWith)) {
                    continue;
                }
                Path out = dir.resolve(name);
                Files.createDirectories(out.getParent());
                try (InputStream in = jar.getInputStream(e)) {
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
