package io.siyu.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Counts what the SDK clients in the benchmark's JVM do, from outside the code under test: the
 * SDK loads this global interceptor (this module's {@code execution.interceptors}), so handlers
 * run unchanged. DynamoDB: requests (refused ones too) and their time by operation, items read
 * and written, the capacity units DynamoDB reports, lost races (transactions cancelled by a
 * conflict, failed conditions). SQS: messages sent per queue. Stream reads (the harness standing
 * in for Lambda's poller) are another service and never count. Off until a benchmark turns it on.
 *
 * <p>Functions loaded from their own jars (io.siyu.emulators.lambda) have their own SDK; count
 * those on the wire with {@link CountingProxy}.
 */
public final class SdkCallCounter implements ExecutionInterceptor {

    public static volatile boolean enabled;

    private static final Map<String, LongAdder> CALLS = new ConcurrentHashMap<>();
    private static final Map<String, LongAdder> NANOS = new ConcurrentHashMap<>();
    private static final Map<String, LongAdder> MESSAGES = new ConcurrentHashMap<>();
    private static final LongAdder ITEMS_READ = new LongAdder();
    private static final LongAdder ITEMS_WRITTEN = new LongAdder();
    private static final LongAdder READ_MILLI_UNITS = new LongAdder();
    private static final LongAdder WRITE_MILLI_UNITS = new LongAdder();
    private static final LongAdder TRANSACTION_CONFLICTS = new LongAdder();
    private static final LongAdder CONDITION_FAILURES = new LongAdder();
    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("SiyuBenchStarted");

    /** What was counted up to a moment; {@link #minus} gives a phase's share. */
    public record Snapshot(Map<String, Long> calls, Map<String, Long> nanos, long itemsRead, long itemsWritten, double readUnits,
                           double writeUnits, long transactionConflicts, long conditionFailures, Map<String, Long> messages) {

        public long requests() {
            return calls.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Mean milliseconds per call, by operation. */
        public Map<String, Double> meanMillis() {
            Map<String, Double> out = new TreeMap<>();
            nanos.forEach((op, n) -> out.put(op, Math.round(n / 1e4 / Math.max(1, calls.getOrDefault(op, 1L))) / 100.0));
            return out;
        }

        public long messagesTo(String queueUrl) {
            return messages.getOrDefault(queueUrl, 0L);
        }

        public Snapshot minus(Snapshot o) {
            return new Snapshot(minus(calls, o.calls), minus(nanos, o.nanos), itemsRead - o.itemsRead, itemsWritten - o.itemsWritten,
                    readUnits - o.readUnits, writeUnits - o.writeUnits, transactionConflicts - o.transactionConflicts,
                    conditionFailures - o.conditionFailures, minus(messages, o.messages));
        }

        private static Map<String, Long> minus(Map<String, Long> a, Map<String, Long> b) {
            Map<String, Long> out = new TreeMap<>(a);
            b.forEach((k, v) -> out.merge(k, -v, Long::sum));
            return out;
        }
    }

    public static void reset() {
        CALLS.clear();
        NANOS.clear();
        MESSAGES.clear();
        for (LongAdder a : new LongAdder[] {ITEMS_READ, ITEMS_WRITTEN, READ_MILLI_UNITS, WRITE_MILLI_UNITS,
                TRANSACTION_CONFLICTS, CONDITION_FAILURES}) {
            a.reset();
        }
    }

    public static Snapshot snapshot() {
        return new Snapshot(sums(CALLS), sums(NANOS), ITEMS_READ.sum(), ITEMS_WRITTEN.sum(), READ_MILLI_UNITS.sum() / 1000.0,
                WRITE_MILLI_UNITS.sum() / 1000.0, TRANSACTION_CONFLICTS.sum(), CONDITION_FAILURES.sum(), sums(MESSAGES));
    }

    private static Map<String, Long> sums(Map<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest r = context.request();
        if (!enabled || !(r instanceof DynamoDbRequest)) {
            return r;
        }
        ReturnConsumedCapacity total = ReturnConsumedCapacity.TOTAL;
        if (r instanceof GetItemRequest g) {
            return g.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof QueryRequest q) {
            return q.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof ScanRequest s) {
            return s.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof PutItemRequest p) {
            return p.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof UpdateItemRequest u) {
            return u.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof DeleteItemRequest d) {
            return d.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof TransactWriteItemsRequest t) {
            return t.toBuilder().returnConsumedCapacity(total).build();
        }
        return r;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (enabled && context.request() instanceof DynamoDbRequest) {
            attributes.putAttribute(STARTED, System.nanoTime());
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (!enabled) {
            return;
        }
        SdkRequest request = context.request();
        if (request instanceof SendMessageBatchRequest b) {
            MESSAGES.computeIfAbsent(b.queueUrl(), k -> new LongAdder()).add(b.entries().size());
        } else if (request instanceof SendMessageRequest s) {
            MESSAGES.computeIfAbsent(s.queueUrl(), k -> new LongAdder()).increment();
        }
        if (!(request instanceof DynamoDbRequest) || !timed(attributes)) {
            return;
        }
        SdkResponse response = context.response();
        if (response instanceof GetItemResponse g) {
            ITEMS_READ.add(g.hasItem() && !g.item().isEmpty() ? 1 : 0);
            read(g.consumedCapacity());
        } else if (response instanceof QueryResponse q) {
            ITEMS_READ.add(q.count());
            read(q.consumedCapacity());
        } else if (response instanceof ScanResponse s) {
            ITEMS_READ.add(s.scannedCount());
            read(s.consumedCapacity());
        } else if (response instanceof BatchGetItemResponse b) {
            b.responses().values().forEach(items -> ITEMS_READ.add(items.size()));
        } else if (response instanceof PutItemResponse p) {
            ITEMS_WRITTEN.increment();
            write(p.consumedCapacity());
        } else if (response instanceof UpdateItemResponse u) {
            ITEMS_WRITTEN.increment();
            write(u.consumedCapacity());
        } else if (response instanceof DeleteItemResponse d) {
            ITEMS_WRITTEN.increment();
            write(d.consumedCapacity());
        } else if (response instanceof TransactWriteItemsResponse t) {
            ITEMS_WRITTEN.add(((TransactWriteItemsRequest) request).transactItems().size());
            if (t.hasConsumedCapacity()) {
                t.consumedCapacity().forEach(SdkCallCounter::write);
            }
        } else if (request instanceof BatchWriteItemRequest b) {
            b.requestItems().values().forEach(items -> ITEMS_WRITTEN.add(items.size()));
        }
        count(attributes);
    }

    /** Refused requests (failed conditions, cancelled transactions) are requests too. */
    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (!enabled || !(context.request() instanceof DynamoDbRequest) || !timed(attributes)) {
            return;
        }
        Throwable e = context.exception();
        if (e instanceof TransactionCanceledException t && t.hasCancellationReasons()) {
            if (t.cancellationReasons().stream().anyMatch(r -> "TransactionConflict".equals(r.code()))) {
                TRANSACTION_CONFLICTS.increment();
            } else if (t.cancellationReasons().stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()))) {
                CONDITION_FAILURES.increment();
            }
        } else if (e instanceof ConditionalCheckFailedException) {
            CONDITION_FAILURES.increment();
        }
        count(attributes);
    }

    /** Only calls that started while counting was on are counted (never half a call). */
    private static boolean timed(ExecutionAttributes attributes) {
        return attributes.getAttribute(STARTED) != null;
    }

    private static void count(ExecutionAttributes attributes) {
        String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        CALLS.computeIfAbsent(op, k -> new LongAdder()).increment();
        NANOS.computeIfAbsent(op, k -> new LongAdder()).add(System.nanoTime() - attributes.getAttribute(STARTED));
    }

    private static void read(ConsumedCapacity c) {
        if (c != null && c.capacityUnits() != null) {
            READ_MILLI_UNITS.add(Math.round(c.capacityUnits() * 1000));
        }
    }

    private static void write(ConsumedCapacity c) {
        if (c != null && c.capacityUnits() != null) {
            WRITE_MILLI_UNITS.add(Math.round(c.capacityUnits() * 1000));
        }
    }
}
