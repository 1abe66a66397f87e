package io.siyu.local.stack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * Stream positions saved beside DynamoDB Local's files ({@code --data DIR}), so a restarted stack
 * continues each shard where it stopped, as Lambda's event source mapping does, instead of
 * replaying the whole stream to the functions.
 */
final class FileCheckpoints implements StreamPoller.Checkpoints {

    private final Path file;
    private final Properties positions = new Properties();

    FileCheckpoints(Path file) {
        this.file = file;
        if (Files.isRegularFile(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                positions.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
    }

    @Override
    public synchronized String position(String shardId) {
        return positions.getProperty(shardId);
    }

    @Override
    public synchronized void save(String shardId, String sequenceNumber) {
        positions.setProperty(shardId, sequenceNumber);
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                positions.store(out, "DynamoDB stream positions of the local stack's event source mappings");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
