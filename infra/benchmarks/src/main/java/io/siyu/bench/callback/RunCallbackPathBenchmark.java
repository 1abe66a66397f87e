package io.siyu.bench.callback;

import io.siyu.bench.Results;
import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link CallbackPathBenchmark} (both sides interleaved in one run, one fork each) and writes
 * infra/benchmarks/results/callback-path.md.
 */
public final class RunCallbackPathBenchmark {

    public static void main(String[] args) throws Exception {
        Options options = new OptionsBuilder()
                .include(CallbackPathBenchmark.class.getName())
                .forks(Integer.getInteger("forks", 2))
                .warmupIterations(Integer.getInteger("warmups", 5)).warmupTime(org.openjdk.jmh.runner.options.TimeValue.seconds(1))
                .measurementIterations(Integer.getInteger("iterations", 8)).measurementTime(org.openjdk.jmh.runner.options.TimeValue.seconds(1))
                .build();
        Collection<RunResult> results = new Runner(options).run();
        double siyu = 0;
        double siyuError = 0;
        double wx = 0;
        double wxError = 0;
        for (RunResult r : results) {
            var p = r.getPrimaryResult();
            if (r.getParams().getBenchmark().endsWith(".siyu")) {
                siyu = p.getScore();
                siyuError = p.getScoreError();
            } else {
                wx = p.getScore();
                wxError = p.getScoreError();
            }
        }
        if (siyu == 0 || wx == 0) {
            throw new IllegalStateException("a benchmark produced no result; see the JMH output above");
        }
        StringBuilder md = new StringBuilder();
        md.append("# Callback path: verify + decrypt + parse, Siyu against WxJava\n\n");
        md.append("One `add_external_contact` callback (the official sample with a corp's ids), the same inputs for both.\n");
        md.append("Siyu: envelope parse, constant-time signature check, AES-CBC with 32-byte PKCS#7 check, ReceiveId check,\n");
        md.append("StAX parse with DTDs refused, typed event. WxJava 4.7.3.B: `WxCpXmlMessage.fromEncryptedXml` (signature,\n");
        md.append("WxCryptUtil decrypt, XStream mapping). JMH average time, microseconds per callback (lower is better).\n\n");
        md.append("| path | µs/op | ± (99.9%) |\n|---|---|---|\n");
        md.append(String.format("| Siyu | %.2f | %.2f |%n", siyu, siyuError));
        md.append(String.format("| WxJava | %.2f | %.2f |%n", wx, wxError));
        md.append(String.format("%n**Ratio: WxJava takes %.1f× Siyu's time** (measured side by side in one run).%n", wx / siyu));
        md.append("\nThe whole function in process (API Gateway event in, response out, with DynamoDB Local and the PutEvents "
                + "stub), p50 and p99: [callback-latency.md](callback-latency.md).\n");
        md.append("\nRun: `mvn -B -DskipTests package && java -cp infra/benchmarks/target/benchmarks.jar "
                + "io.siyu.bench.callback.RunCallbackPathBenchmark`\n");
        Results.write("callback-path.md", md.toString());
    }
}
