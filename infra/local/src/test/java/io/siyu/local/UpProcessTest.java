package io.siyu.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.siyu.emulators.FreePorts;
import io.siyu.testing.RepositoryFiles;
import io.siyu.testing.TestTarget;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code siyu up} as a process: it prints its configuration, routes and schedules, serves, and on
 * Ctrl-C (SIGINT) stops everything and frees its port.
 */
@Tag("emulator")
class UpProcessTest {

    @Test
    void upServesUntilStoppedThenStopsCleanlyAndFreesItsPort() throws Exception {
        assumeTrue(TestTarget.current() == TestTarget.IN_PROCESS, "the local stack runs its own emulators");
        int port = FreePorts.next();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), SiyuCli.class.getName(),
                "up", "--repo", RepositoryFiles.root().toString()).redirectErrorStream(true);
        pb.environment().put("SIYU_HTTP_PORT", Integer.toString(port));
        pb.environment().put("SIYU_ADMIN_TOKEN", "process-test-token");
        Process process = pb.start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (lines.stream().noneMatch(l -> l.startsWith("Control:")) && process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(lines).as(String.join("\n", lines)).anyMatch(l -> l.startsWith("Siyu local stack  http://127.0.0.1:" + port));
            assertThat(lines).anyMatch(l -> l.contains("admin token      process-test-token"));
            assertThat(lines).anyMatch(l -> l.contains("POST /wecom/callback") && l.contains("CallbackFunction"));
            assertThat(lines).anyMatch(l -> l.equals("Schedules"));
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/_local/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);

            // Ctrl-C: SIGINT to the process (Process.destroy would send SIGTERM and close our end of its output).
            assertThat(new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor()).isZero();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            reader.join(5000);
            assertThat(lines).as("exit %d: %s", process.exitValue(), String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())))
                    .contains("Stopping the Siyu local stack ...", "Stopped.");
            try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                assertThat(again.getLocalPort()).isEqualTo(port);
            }
        } finally {
            process.destroyForcibly();
        }
    }
}
