package io.siyu.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.siyu.emulators.FreePorts;
import io.siyu.emulators.JdkHttpServers;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * An HTTP proxy in front of an emulator that counts what passes: AWS calls by operation (from
 * {@code X-Amz-Target}), DynamoDB items written (a transaction counts each of its items), and
 * other calls by path (WeCom's API). Benchmarks point a function's endpoint at it to report
 * "writes per event" and "WeCom calls per event" from the wire, not from the code's own account.
 */
public final class CountingProxy implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "connection", "transfer-encoding",
            "expect", "upgrade", "keep-alive");

    private final HttpServer server;
    private final URI target;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final LongAdder itemsWritten = new LongAdder();
    private final Map<String, LongAdder> nanos = new ConcurrentHashMap<>();

    public CountingProxy(URI target) throws IOException {
        this.target = target;
        server = JdkHttpServers.create(new InetSocketAddress("127.0.0.1", FreePorts.next()), 256);
        server.setExecutor(Executors.newFixedThreadPool(32));
        server.createContext("/", this::forward);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Calls by operation (AWS) or path (anything else), since the last reset. */
    public Map<String, Long> calls() {
        Map<String, Long> out = new TreeMap<>();
        calls.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Mean time the target took to answer, by operation, in milliseconds. */
    public Map<String, Double> meanMillis() {
        Map<String, Double> out = new TreeMap<>();
        nanos.forEach((k, v) -> out.put(k, v.sum() / 1e6 / Math.max(1, calls.get(k).sum())));
        return out;
    }

    public long totalCalls() {
        return calls.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** DynamoDB items written: PutItem, UpdateItem, DeleteItem one each, batches and transactions by their items. */
    public long itemsWritten() {
        return itemsWritten.sum();
    }

    public void reset() {
        calls.clear();
        nanos.clear();
        itemsWritten.reset();
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String amzTarget = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String operation = amzTarget != null ? amzTarget.substring(amzTarget.indexOf('.') + 1) : exchange.getRequestURI().getPath();
            calls.computeIfAbsent(operation, k -> new LongAdder()).increment();
            countWrites(operation, body);
            HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            long sent = System.nanoTime();
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            nanos.computeIfAbsent(operation, k -> new LongAdder()).add(System.nanoTime() - sent);
            response.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void countWrites(String operation, byte[] body) throws IOException {
        switch (operation) {
            case "PutItem", "UpdateItem", "DeleteItem" -> itemsWritten.increment();
            case "TransactWriteItems" -> itemsWritten.add(JSON.readTree(body).path("TransactItems").size());
            case "BatchWriteItem" -> {
                JsonNode items = JSON.readTree(body).path("RequestItems");
                items.forEach(t -> itemsWritten.add(t.size()));
            }
            default -> { }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
