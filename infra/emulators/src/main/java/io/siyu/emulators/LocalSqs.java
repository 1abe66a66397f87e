package io.siyu.emulators;

import java.net.URI;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/** ElasticMQ, an SQS-compatible server, running inside this JVM. */
public final class LocalSqs implements AutoCloseable {
    private final SQSRestServer server;
    private final int port;

    private LocalSqs(SQSRestServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static LocalSqs start(int port) {
        try {
            SQSRestServer server = SQSRestServerBuilder
                    .withPort(port)
                    .withInterface("localhost")
                    .withServerAddress(new NodeAddress("http", "localhost", port, ""))
                    .start();
            server.waitUntilStarted();
            return new LocalSqs(server, port);
        } catch (RuntimeException e) {
            throw new IllegalStateException("ElasticMQ did not start on port " + port + ": " + e.getMessage(), e);
        }
    }

    public URI endpoint() {
        return URI.create("http://localhost:" + port);
    }

    @Override
    public void close() {
        server.stopAndWait();
    }
}
