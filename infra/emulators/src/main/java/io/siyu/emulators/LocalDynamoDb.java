package io.siyu.emulators;

import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** DynamoDB Local (with streams and transactions) running inside this JVM. */
public final class LocalDynamoDb implements AutoCloseable {
    private final DynamoDBProxyServer server;
    private final int port;

    private LocalDynamoDb(DynamoDBProxyServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /**
     * Starts on the given port. With a data folder the tables survive a restart; without one
     * they live in memory. {@code -sharedDb}: one database whatever the credentials and region.
     */
    public static LocalDynamoDb start(int port, Path dataDir) {
        NativeSqlite.ensureAvailable();
        List<String> args = new ArrayList<>(List.of("-port", Integer.toString(port), "-sharedDb"));
        if (dataDir == null) {
            args.add("-inMemory");
        } else {
            args.addAll(List.of("-dbPath", dataDir.toAbsolutePath().toString()));
        }
        try {
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(args.toArray(String[]::new));
            server.start();
            return new LocalDynamoDb(server, port);
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start on port " + port + ": " + e.getMessage(), e);
        }
    }

    public URI endpoint() {
        return URI.create("http://localhost:" + port);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop", e);
        }
    }
}
