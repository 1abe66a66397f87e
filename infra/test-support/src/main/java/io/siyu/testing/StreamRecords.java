package io.siyu.testing;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Reads a table's stream from the emulator, as Lambda's event source mapping would, and hands the
 * records over as the Lambda event's own types ({@link DynamodbEvent}): what a stream handler
 * receives in AWS, made of the emulator's real records. Each {@link #next()} returns the records
 * written since the previous call, shard by shard in stream order.
 */
public final class StreamRecords {

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final String region;
    private final Map<String, String> iterators = new HashMap<>();
    private final Map<String, String> lastSequence = new HashMap<>();
    private static final String CLOSED = "";

    public StreamRecords(DynamoDbStreamsClient streams, String streamArn, String region) {
        this.streams = streams;
        this.streamArn = streamArn;
        this.region = region;
    }

    /** A reader of {@code tableLogicalId}'s stream in the emulated stack, from its beginning. */
    public static StreamRecords of(AwsEmulators aws, String tableLogicalId) {
        return new StreamRecords(aws.streams(), aws.stack().streamArn(tableLogicalId), aws.endpoints().region());
    }

    public List<DynamodbStreamRecord> next() {
        List<DynamodbStreamRecord> out = new ArrayList<>();
        for (Shard shard : streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards()) {
            String iterator = iterators.computeIfAbsent(shard.shardId(), this::freshIterator);
            if (CLOSED.equals(iterator)) {
                continue;
            }
            for (int trimmed = 0; iterator != null; ) {
                String current = iterator;
                GetRecordsResponse page;
                try {
                    page = streams.getRecords(b -> b.shardIterator(current).limit(1000));
                } catch (TrimmedDataAccessException e) {
                    // DynamoDB Local answers this to an iterator taken while the shard was empty, once records
                    // arrive (aws/aws-sdk-java#2923; the local stack's StreamPoller does the same). It trims
                    // nothing within a run, so a new iterator after the last record read loses and repeats nothing.
                    if (++trimmed > 3) {
                        throw e;
                    }
                    pause(100L * trimmed);
                    iterator = freshIterator(shard.shardId());
                    continue;
                }
                page.records().forEach(r -> {
                    out.add(lambdaRecord(r));
                    lastSequence.put(shard.shardId(), r.dynamodb().sequenceNumber());
                });
                iterator = page.nextShardIterator();
                // A closed shard read to its end has no next iterator: it is never read again.
                iterators.put(shard.shardId(), iterator == null ? CLOSED : iterator);
                if (page.records().isEmpty()) {
                    break;
                }
            }
        }
        return out;
    }

    /** An iterator after the last record read from the shard, or from its beginning. */
    private String freshIterator(String shardId) {
        String after = lastSequence.get(shardId);
        return streams.getShardIterator(b -> {
            b.streamArn(streamArn).shardId(shardId);
            if (after == null) {
                b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
            } else {
                b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(after);
            }
        }).shardIterator();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static DynamodbEvent event(List<DynamodbStreamRecord> records) {
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(new ArrayList<>(records));
        return event;
    }

    private DynamodbStreamRecord lambdaRecord(Record r) {
        DynamodbStreamRecord out = new DynamodbStreamRecord();
        out.setEventID(r.eventID());
        out.setEventName(r.eventNameAsString());
        out.setEventVersion(r.eventVersion());
        out.setEventSource("aws:dynamodb");
        out.setAwsRegion(region);
        out.setEventSourceARN(streamArn);
        StreamRecord body = new StreamRecord();
        var d = r.dynamodb();
        body.setKeys(image(d.keys()));
        if (d.hasNewImage()) {
            body.setNewImage(image(d.newImage()));
        }
        if (d.hasOldImage()) {
            body.setOldImage(image(d.oldImage()));
        }
        body.setSequenceNumber(d.sequenceNumber());
        body.setSizeBytes(d.sizeBytes());
        body.setStreamViewType(StreamViewType.fromValue(d.streamViewTypeAsString()));
        if (d.approximateCreationDateTime() != null) {
            body.setApproximateCreationDateTime(Date.from(d.approximateCreationDateTime()));
        }
        out.setDynamodb(body);
        return out;
    }

    private static Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image(
            Map<String, AttributeValue> item) {
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> out = new HashMap<>();
        item.forEach((k, v) -> out.put(k, value(v)));
        return out;
    }

    private static com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue value(AttributeValue v) {
        var out = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
        switch (v.type()) {
            case S -> out.setS(v.s());
            case N -> out.setN(v.n());
            case B -> out.setB(v.b().asByteBuffer());
            case SS -> out.setSS(v.ss());
            case NS -> out.setNS(v.ns());
            case BS -> out.setBS(v.bs().stream().map(b -> b.asByteBuffer()).toList());
            case M -> out.setM(image(v.m()));
            case L -> out.setL(v.l().stream().map(StreamRecords::value).toList());
            case BOOL -> out.setBOOL(v.bool());
            case NUL -> out.setNULL(true);
            default -> throw new IllegalArgumentException("attribute type " + v.type());
        }
        return out;
    }
}
