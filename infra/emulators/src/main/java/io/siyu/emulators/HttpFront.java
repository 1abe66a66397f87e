package io.siyu.emulators;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An HTTP front for an emulator: forwards every request as it came, after a {@link Gate} has seen
 * it. The gate may answer in the emulator's place (the local stack refuses what a function's IAM
 * policies do not allow) or ask for the request to run alone (moto's DynamoDB, see
 * {@link MotoServer}). Requests run side by side otherwise, so a long poll holds nobody up.
 */
public final class HttpFront implements AutoCloseable {

    /** What the gate sees: the AWS JSON protocol's operation header (null for other protocols) and the body. */
    public record Request(String method, String path, String amzTarget, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** An answer given in the emulator's place. */
    public record Answer(int status, String contentType, String body) {}

    public interface Gate {
        /** An answer that stops the request here, or null to forward it. */
        default Answer answer(Request request) {
            return null;
        }

        /** Whether the request must run with no other such request under way. */
        default boolean alone(Request request) {
            return false;
        }
    }

    /** Headers the JDK client sets itself (or refuses) and hop-by-hop headers. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "transfer-encoding", "date", "via", "keep-alive");

    private final HttpServer server;
    private final URI upstream;
    private final Gate gate;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "http-front");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** Fair: requests that must run alone run in the order they arrived. */
    private final ReentrantLock alone = new ReentrantLock(true);

    private HttpFront(HttpServer server, URI upstream, Gate gate) {
        this.server = server;
        this.upstream = upstream;
        this.gate = gate;
    }

    /** Listens on a free loopback port and forwards to {@code upstream}. */
    public static HttpFront start(URI upstream, Gate gate) {
        try {
            HttpServer server = JdkHttpServers.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            HttpFront front = new HttpFront(server, upstream, gate);
            server.setExecutor(front.threads);
            server.createContext("/", front::forward);
            server.start();
            return front;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start an HTTP front for " + upstream, e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void forward(HttpExchange exchange) {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Request seen = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("X-Amz-Target"), body);
            Answer answer = gate.answer(seen);
            if (answer != null) {
                byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", answer.contentType());
                exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
                if (out.length > 0) {
                    try (OutputStream o = exchange.getResponseBody()) {
                        o.write(out);
                    }
                }
                return;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(upstream.resolve(exchange.getRequestURI().toString()))
                    .timeout(Duration.ofMinutes(2))
                    .method(exchange.getRequestMethod(), body.length == 0
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
                if (!NOT_FORWARDED.contains(h.getKey().toLowerCase())) {
                    h.getValue().forEach(v -> request.header(h.getKey(), v));
                }
            }
            boolean runAlone = gate.alone(seen);
            HttpResponse<byte[]> response;
            if (runAlone) {
                alone.lock();
            }
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
                return;
            } catch (IOException e) {
                exchange.sendResponseHeaders(502, -1);
                return;
            } finally {
                if (runAlone) {
                    alone.unlock();
                }
            }
            response.headers().map().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase()) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            byte[] out = response.body();
            boolean noBody = out.length == 0 || "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(response.statusCode(), noBody ? -1 : out.length);
            if (!noBody) {
                try (OutputStream o = exchange.getResponseBody()) {
                    o.write(out);
                }
            }
        } catch (IOException clientGone) {
            // The client stopped waiting (its timeout): the emulator has done the work all the same.
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
