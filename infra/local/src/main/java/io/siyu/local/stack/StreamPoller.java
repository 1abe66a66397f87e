package io.siyu.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.siyu.emulators.lambda.FunctionError;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.event.ruler.Machine;

/**
 * A DynamoDB stream event source mapping, as Lambda runs one, shard by shard in order:
 * <ul>
 *   <li>batches of up to {@code BatchSize} records, as a real {@code DynamodbEvent};</li>
 *   <li>{@code ReportBatchItemFailures}: the {@code StreamsEventResponse} names failed sequence
 *       numbers; the records before the lowest one are done and the batch is retried from it (an
 *       empty or unknown identifier fails the whole batch);</li>
 *   <li>a function error with {@code BisectBatchOnFunctionError} splits the batch in two and
 *       retries the first half; splitting is free, only the failures of a batch that can no longer
 *       be split count against {@code MaximumRetryAttempts} (-1 or absent: for ever);</li>
 *   <li>records older than {@code MaximumRecordAgeInSeconds}, and batches out of retries, are
 *       skipped, and Lambda's batch-info record goes to the {@code DestinationConfig.OnFailure}
 *       queue;</li>
 *   <li>{@code FilterCriteria} patterns (Event Ruler) drop records that match none.</li>
 * </ul>
 * The position is kept per shard (and saved with {@code --data}, so a restart does not replay
 * the stream).
 */
final class StreamPoller extends Poller {

    private static final Logger LOG = LoggerFactory.getLogger(StreamPoller.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The mapping's settings, from the template's DynamoDB event. */
    record Settings(int batchSize, String startingPosition, boolean bisect, int maximumRetryAttempts,
                    int maximumRecordAgeSeconds, boolean reportBatchItemFailures, Machine filter) {}

    /** Where positions are saved (or not). */
    interface Checkpoints {
        String position(String shardId);

        void save(String shardId, String sequenceNumber);
    }

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final LocalFunction function;
    private final Settings settings;
    private final Checkpoints checkpoints;
    private final Consumer<String> onFailure;
    private final String region;
    private final Clock clock;
    private final Map<String, ShardState> shards = new LinkedHashMap<>();
    /** Shards are listed again every so many cycles (new shards appear as old ones close). */
    private static final int DESCRIBE_EVERY = 20;
    private int cyclesSinceDescribe = DESCRIBE_EVERY;

    private static final class ShardState {
        final Shard shard;
        String iterator;
        /** The sequence number of the last record read from the shard (processed or pending), null before any. */
        String lastRead;
        boolean opened;
        boolean ended;
        final List<Record> pending = new ArrayList<>();
        int limit;
        int failures;

        ShardState(Shard shard, int batchSize) {
            this.shard = shard;
            this.limit = batchSize;
        }

        boolean finished() {
            return ended && pending.isEmpty();
        }
    }

    StreamPoller(String name, Activity activity, DynamoDbStreamsClient streams, String streamArn, LocalFunction function,
                 Settings settings, Checkpoints checkpoints, Consumer<String> onFailure, String region, Clock clock) {
        super(name, activity);
        this.streams = streams;
        this.streamArn = streamArn;
        this.function = function;
        this.settings = settings;
        this.checkpoints = checkpoints;
        this.onFailure = onFailure;
        this.region = region;
        this.clock = clock;
    }

    @Override
    protected boolean pollOnce() throws InterruptedException {
        if (++cyclesSinceDescribe > DESCRIBE_EVERY) {
            describe();
        }
        boolean worked = false;
        for (ShardState s : shards.values()) {
            if (s.finished() || !parentFinished(s)) {
                continue;
            }
            if (!s.opened) {
                open(s);
            }
            if (s.pending.size() < settings.batchSize() && !s.ended) {
                GetRecordsResponse got;
                try {
                    got = streams.getRecords(b -> b.shardIterator(s.iterator).limit(settings.batchSize()));
                } catch (TrimmedDataAccessException e) {
                    // DynamoDB Local answers this, for ever, to an iterator taken while the shard was still
                    // empty once records arrive (aws/aws-sdk-java#2923); it trims nothing within a run, so a
                    // new iterator after the last record read loses and repeats nothing.
                    LOG.debug("{}: shard {} answered TrimmedDataAccess; a new iterator after {}", name, s.shard.shardId(), s.lastRead);
                    reopen(s);
                    continue;
                }
                s.pending.addAll(got.records());
                if (!got.records().isEmpty()) {
                    s.lastRead = got.records().get(got.records().size() - 1).dynamodb().sequenceNumber();
                }
                s.iterator = got.nextShardIterator();
                s.ended = s.iterator == null;
            }
            if (!s.pending.isEmpty()) {
                worked = true;
                activity.begin();
                try {
                    processHead(s);
                } finally {
                    activity.end();
                }
            }
        }
        return worked;
    }

    private void describe() {
        cyclesSinceDescribe = 0;
        String last = null;
        do {
            String start = last;
            StreamDescription d = streams.describeStream(b -> b.streamArn(streamArn).exclusiveStartShardId(start)).streamDescription();
            for (Shard shard : d.shards()) {
                shards.computeIfAbsent(shard.shardId(), id -> new ShardState(shard, settings.batchSize()));
            }
            last = d.lastEvaluatedShardId();
        } while (last != null);
    }

    private boolean parentFinished(ShardState s) {
        String parent = s.shard.parentShardId();
        ShardState p = parent == null ? null : shards.get(parent);
        return p == null || p.finished();
    }

    private void open(ShardState s) {
        String saved = checkpoints.position(s.shard.shardId());
        GetShardIteratorRequest.Builder request = GetShardIteratorRequest.builder().streamArn(streamArn).shardId(s.shard.shardId());
        if (saved != null) {
            request.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(saved);
        } else if ("LATEST".equals(settings.startingPosition())) {
            request.shardIteratorType(ShardIteratorType.LATEST);
        } else {
            request.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
        }
        s.iterator = streams.getShardIterator(request.build()).shardIterator();
        s.opened = true;
        s.ended = s.iterator == null;
    }

    /** A new iterator just after the last record read, or at the shard's start when none was read in this run. */
    private void reopen(ShardState s) {
        String after = s.lastRead != null ? s.lastRead : checkpoints.position(s.shard.shardId());
        GetShardIteratorRequest.Builder request = GetShardIteratorRequest.builder().streamArn(streamArn).shardId(s.shard.shardId());
        if (after != null) {
            request.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(after);
        } else {
            request.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
        }
        s.iterator = streams.getShardIterator(request.build()).shardIterator();
        s.ended = s.iterator == null;
    }

    /** Invokes the function with the batch at the head of the shard, and moves on or retries by the rules above. */
    private void processHead(ShardState s) throws InterruptedException {
        dropExpired(s);
        if (s.pending.isEmpty()) {
            return;
        }
        int size = Math.min(s.limit, s.pending.size());
        List<Record> batch = new ArrayList<>(s.pending.subList(0, size));
        ArrayNode records = JSON.createArrayNode();
        for (Record r : batch) {
            ObjectNode json = record(r);
            if (settings.filter() == null || matches(json)) {
                records.add(json);
            }
        }
        if (records.isEmpty()) {
            done(s, size);
            return;
        }
        ObjectNode event = JSON.createObjectNode();
        event.set("Records", records);
        String response;
        try {
            response = function.invoke(event.toString());
        } catch (FunctionError e) {
            if (settings.bisect() && size > 1) {
                s.limit = Math.max(1, size / 2);
                LOG.warn("{}: {} failed a batch of {} ({}); bisecting", name, function.name(), size, e.errorType());
                return;
            }
            failed(s, size, e.errorType() + ": " + e.errorMessage());
            return;
        }
        int failedAt = settings.reportBatchItemFailures() ? firstFailure(response, batch) : -1;
        if (failedAt < 0) {
            done(s, size);
            return;
        }
        if (failedAt > 0) {
            done(s, failedAt);
        }
        failed(s, Math.min(s.limit, s.pending.size()), "batch item failure reported");
    }

    /** Index in the batch of the lowest failed sequence number, or -1; a bad identifier fails all (0). */
    static int firstFailure(String response, List<Record> batch) {
        JsonNode r;
        try {
            r = JSON.readTree(response);
        } catch (IOException e) {
            return -1;
        }
        int lowest = -1;
        for (JsonNode f : r.path("batchItemFailures")) {
            String seq = f.path("itemIdentifier").asText("");
            int index = -1;
            for (int i = 0; i < batch.size(); i++) {
                if (batch.get(i).dynamodb().sequenceNumber().equals(seq)) {
                    index = i;
                }
            }
            if (index < 0) {
                return 0;
            }
            lowest = lowest < 0 ? index : Math.min(lowest, index);
        }
        return lowest;
    }

    private void done(ShardState s, int count) {
        Record last = s.pending.get(count - 1);
        s.pending.subList(0, count).clear();
        s.failures = 0;
        s.limit = settings.batchSize();
        checkpoints.save(s.shard.shardId(), last.dynamodb().sequenceNumber());
    }

    private void failed(ShardState s, int size, String why) throws InterruptedException {
        s.failures++;
        int max = settings.maximumRetryAttempts();
        if (max >= 0 && s.failures > max) {
            List<Record> batch = new ArrayList<>(s.pending.subList(0, size));
            LOG.error("{}: {} failed {} times on {} records ({}); skipping them", name, function.name(), s.failures, size, why);
            sendToOnFailure(s, batch, "RetryAttemptsExhausted", s.failures);
            done(s, size);
            return;
        }
        LOG.warn("{}: {} failed on {} records ({}); retry {}", name, function.name(), size, why, s.failures);
        Thread.sleep(Math.min(2000, 100L * s.failures));
    }

    private void dropExpired(ShardState s) {
        int maxAge = settings.maximumRecordAgeSeconds();
        if (maxAge < 0 || s.pending.isEmpty()) {
            return;
        }
        long cutoff = clock.instant().getEpochSecond() - maxAge;
        int expired = 0;
        while (expired < s.pending.size() && s.pending.get(expired).dynamodb().approximateCreationDateTime().getEpochSecond() < cutoff) {
            expired++;
        }
        if (expired > 0) {
            LOG.error("{}: {} records older than {} s are skipped", name, expired, maxAge);
            sendToOnFailure(s, new ArrayList<>(s.pending.subList(0, expired)), "RecordAgeExceeded", s.failures);
            done(s, expired);
        }
    }

    /** Lambda's on-failure record for a stream batch: where the records are, not the records. */
    private void sendToOnFailure(ShardState s, List<Record> batch, String condition, int attempts) {
        if (onFailure == null) {
            return;
        }
        ObjectNode record = JSON.createObjectNode();
        ObjectNode request = record.putObject("requestContext");
        request.put("requestId", UUID.randomUUID().toString());
        request.put("functionArn", function.arn() + ":$LATEST");
        request.put("condition", condition);
        request.put("approximateInvokeCount", attempts);
        ObjectNode response = record.putObject("responseContext");
        response.put("statusCode", 200);
        response.put("executedVersion", "$LATEST");
        response.put("functionError", "Unhandled");
        record.put("version", "1.0");
        record.put("timestamp", clock.instant().toString());
        ObjectNode info = record.putObject("DDBStreamBatchInfo");
        info.put("shardId", s.shard.shardId());
        info.put("startSequenceNumber", batch.get(0).dynamodb().sequenceNumber());
        info.put("endSequenceNumber", batch.get(batch.size() - 1).dynamodb().sequenceNumber());
        info.put("approximateArrivalOfFirstRecord", batch.get(0).dynamodb().approximateCreationDateTime().toString());
        info.put("approximateArrivalOfLastRecord", batch.get(batch.size() - 1).dynamodb().approximateCreationDateTime().toString());
        info.put("batchSize", batch.size());
        info.put("streamArn", streamArn);
        onFailure.accept(record.toString());
    }

    private boolean matches(ObjectNode record) {
        try {
            return !settings.filter().rulesForJSONEvent(record.toString()).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    /** One record of a DynamoDB stream event, field for field as Lambda writes it. */
    private ObjectNode record(Record r) {
        ObjectNode json = JSON.createObjectNode();
        json.put("eventID", r.eventID());
        json.put("eventName", r.eventNameAsString());
        json.put("eventVersion", r.eventVersion() == null ? "1.1" : r.eventVersion());
        json.put("eventSource", "aws:dynamodb");
        json.put("awsRegion", region);
        ObjectNode d = json.putObject("dynamodb");
        var sr = r.dynamodb();
        d.put("ApproximateCreationDateTime", sr.approximateCreationDateTime().getEpochSecond());
        if (sr.hasKeys()) {
            d.set("Keys", DynamoDbJson.item(sr.keys()));
        }
        if (sr.hasNewImage()) {
            d.set("NewImage", DynamoDbJson.item(sr.newImage()));
        }
        if (sr.hasOldImage()) {
            d.set("OldImage", DynamoDbJson.item(sr.oldImage()));
        }
        d.put("SequenceNumber", sr.sequenceNumber());
        d.put("SizeBytes", sr.sizeBytes());
        d.put("StreamViewType", sr.streamViewTypeAsString());
        if (r.userIdentity() != null) {
            ObjectNode identity = json.putObject("userIdentity");
            identity.put("type", r.userIdentity().type());
            identity.put("principalId", r.userIdentity().principalId());
        }
        json.put("eventSourceARN", streamArn);
        return json;
    }

    /** Positions kept in memory only. */
    static Checkpoints inMemory() {
        Map<String, String> positions = new java.util.concurrent.ConcurrentHashMap<>();
        return new Checkpoints() {
            @Override
            public String position(String shardId) {
                return positions.get(shardId);
            }

            @Override
            public void save(String shardId, String sequenceNumber) {
                positions.put(shardId, sequenceNumber);
            }
        };
    }
}
