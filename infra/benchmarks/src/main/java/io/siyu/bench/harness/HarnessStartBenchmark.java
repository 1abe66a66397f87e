package io.siyu.bench.harness;

import io.siyu.bench.Results;
import io.siyu.testing.AwsEmulators;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What the test harness costs a test JVM: a fresh JVM per round starts {@link AwsEmulators#shared()}
 * (DynamoDB Local with streams, ElasticMQ, the WireMock EventBridge and WeCom, and every table and
 * queue of template.yaml created) and reports the time from the call to its return, and its own
 * whole-process time. The floor in the same rounds: a fresh JVM that does nothing.
 *
 * <p>Run: {@code java -cp infra/benchmarks/target/benchmarks.jar io.siyu.bench.harness.HarnessStartBenchmark [rounds]}
 */
public final class HarnessStartBenchmark {

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            long started = System.nanoTime();
            if (args.length > 1 && args[1].equals("harness")) {
                AwsEmulators.shared();
            }
            System.out.printf(Locale.ROOT, "START_MS %.1f%n", (System.nanoTime() - started) / 1e6);
            System.exit(0);
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<Double> harness = new ArrayList<>();
        List<Double> harnessProcess = new ArrayList<>();
        List<Double> floorProcess = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            double[] h = child("harness");
            harness.add(h[0]);
            harnessProcess.add(h[1]);
            floorProcess.add(child("nothing")[1]);
        }
        String md = String.format(Locale.ROOT, """
                # Test harness start-up

                `HarnessStartBenchmark`: a fresh JVM per round calls `AwsEmulators.shared()`, which starts DynamoDB Local
                (with streams), ElasticMQ, the WireMock EventBridge and WeCom on free ports and creates every table and
                queue of template.yaml; the floor is a fresh JVM that does nothing, in the same rounds. %d rounds, medians.

                | | median | min | max |
                |---|---:|---:|---:|
                | `AwsEmulators.shared()` (call to return) | %.2f s | %.2f s | %.2f s |
                | its whole process | %.2f s | %.2f s | %.2f s |
                | floor: a JVM that does nothing | %.2f s | %.2f s | %.2f s |

                Once per test JVM (each Maven module's tests share one), so a module's tests pay it once.

                Run: `java -cp infra/benchmarks/target/benchmarks.jar io.siyu.bench.harness.HarnessStartBenchmark [rounds]`
                """, rounds, median(harness) / 1000, min(harness) / 1000, max(harness) / 1000,
                median(harnessProcess) / 1000, min(harnessProcess) / 1000, max(harnessProcess) / 1000,
                median(floorProcess) / 1000, min(floorProcess) / 1000, max(floorProcess) / 1000);
        Results.write("harness-start.md", md);
    }

    /** [time reported by the child (ms), whole-process time (ms)]. */
    private static double[] child(String what) throws Exception {
        long started = System.nanoTime();
        Process p = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), HarnessStartBenchmark.class.getName(), "--child", what))
                .redirectErrorStream(true).start();
        double reported = Double.NaN;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("START_MS ")) {
                    reported = Double.parseDouble(line.substring(9));
                }
            }
        }
        if (p.waitFor() != 0 || Double.isNaN(reported)) {
            throw new IllegalStateException("the " + what + " round failed (exit " + p.exitValue() + ")");
        }
        return new double[] {reported, (System.nanoTime() - started) / 1e6};
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }

    private static double min(List<Double> xs) {
        return Collections.min(xs);
    }

    private static double max(List<Double> xs) {
        return Collections.max(xs);
    }
}
