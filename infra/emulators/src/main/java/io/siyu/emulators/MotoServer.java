package io.siyu.emulators;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A {@code moto_server} process: a second, independent emulator of DynamoDB (with streams), SQS
 * and EventBridge (with rule routing), used to check that Siyu does not depend on one emulator's
 * quirks.
 *
 * <p>Clients talk to it through an {@link HttpFront} that lets one DynamoDB request run at a time.
 * DynamoDB applies each request atomically; moto does not. Its TransactWriteItems deep-copies
 * every table it touches before it starts and puts the copies back when it cancels
 * (moto/dynamodb/models/__init__.py, {@code transact_write_items}), so a cancelled transaction
 * erases whatever other requests wrote to those tables meanwhile. Tests that race writers (two
 * planners, a redelivered batch, a retry alongside the request the client gave up on at its
 * timeout) then lose counter updates for moto's reasons, not Siyu's. Queued at the front in arrival
 * order, the request a client abandoned still finishes before its retry starts, as in DynamoDB.
 * SQS, EventBridge and stream reads pass side by side.
 */
public final class MotoServer implements AutoCloseable {
    private static final HttpFront.Gate ONE_DYNAMODB_REQUEST_AT_A_TIME = new HttpFront.Gate() {
        @Override
        public boolean alone(HttpFront.Request request) {
            return request.amzTarget() != null && request.amzTarget().startsWith("DynamoDB_20120810.");
        }
    };
    private final Process process;
    private final int port;
    private final HttpFront front;

    private MotoServer(Process process, int port, HttpFront front) {
        this.process = process;
        this.port = port;
        this.front = front;
    }

    public static boolean isInstalled() {
        try {
            Process p = new ProcessBuilder("moto_server", "--help").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts moto on {@code motoPort} and its front on a free port. */
    public static MotoServer start(int motoPort) {
        try {
            Path log = Files.createTempFile("moto-server", ".log");
            Process process = new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", Integer.toString(motoPort))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            MotoServer server = new MotoServer(process, motoPort, HttpFront.start(URI.create("http://127.0.0.1:" + motoPort), ONE_DYNAMODB_REQUEST_AT_A_TIME));
            server.awaitReady(log);
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start moto_server (is moto[server] installed?)", e);
        }
    }

    private void awaitReady(Path log) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited: " + Files.readString(log));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(motoEndpoint() + "/moto-api/"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() < 500) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for moto_server", e);
            }
            sleep(100);
        }
        close();
        throw new IllegalStateException("moto_server did not answer on port " + port + " within 30 s");
    }

    /** Drops every resource moto holds (tables, queues, buses), as a fresh server would. */
    public void reset() {
        try {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(motoEndpoint() + "/moto-api/reset"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new IllegalStateException("moto reset failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Where clients send their requests: the front. */
    public URI endpoint() {
        return front.endpoint();
    }

    private URI motoEndpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close() {
        front.close();
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
