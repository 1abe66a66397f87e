package io.siyu.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.siyu.emulators.lambda.FunctionError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.event.ruler.Machine;

/**
 * An SQS event source mapping, as Lambda runs one: receives up to {@code BatchSize} messages,
 * invokes the function with a real SQS event, and deletes what succeeded. With
 * {@code FunctionResponseTypes: [ReportBatchItemFailures]} the function's {@code SQSBatchResponse}
 * names the failures, which stay on the queue; without it, or when the function fails, the whole
 * batch stays. Undeleted messages come back after the queue's visibility timeout and, after
 * {@code maxReceiveCount} receives, ElasticMQ moves them to the dead-letter queue, as SQS does.
 * Messages that do not match the mapping's {@code FilterCriteria} are deleted unprocessed, as
 * Lambda deletes them.
 */
final class SqsPoller extends Poller {

    private static final Logger LOG = LoggerFactory.getLogger(SqsPoller.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SQS_MAX_PER_RECEIVE = 10;

    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final LocalFunction function;
    private final int batchSize;
    private final boolean reportBatchItemFailures;
    private final Machine filter;
    private final String region;

    SqsPoller(String name, Activity activity, SqsClient sqs, String queueUrl, String queueArn, LocalFunction function,
              int batchSize, boolean reportBatchItemFailures, Machine filter, String region) {
        super(name, activity);
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.function = function;
        this.batchSize = batchSize;
        this.reportBatchItemFailures = reportBatchItemFailures;
        this.filter = filter;
        this.region = region;
    }

    String queueUrl() {
        return queueUrl;
    }

    /** Whether the queue holds nothing, visible or in flight (for the stack's idle check). */
    boolean queueEmpty() {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return a.values().stream().allMatch("0"::equals);
    }

    @Override
    protected boolean pollOnce() {
        List<Message> batch = new ArrayList<>();
        boolean first = true;
        while (batch.size() < batchSize) {
            int want = Math.min(SQS_MAX_PER_RECEIVE, batchSize - batch.size());
            int wait = first ? 1 : 0;
            List<Message> got = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(want).waitTimeSeconds(wait)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages();
            first = false;
            if (got.isEmpty()) {
                break;
            }
            if (batch.isEmpty()) {
                activity.begin(); // received messages are work in flight until deleted or left to time out
            }
            batch.addAll(got);
        }
        if (batch.isEmpty()) {
            return false;
        }
        try {
            process(batch);
        } finally {
            activity.end();
        }
        return true;
    }

    private void process(List<Message> received) {
        List<Message> batch = new ArrayList<>();
        ArrayNode records = JSON.createArrayNode();
        for (Message m : received) {
            ObjectNode record = record(m);
            if (filter != null && !matches(record)) {
                delete(List.of(m));
                continue;
            }
            batch.add(m);
            records.add(record);
        }
        if (batch.isEmpty()) {
            return;
        }
        ObjectNode event = JSON.createObjectNode();
        event.set("Records", records);
        Set<String> failed = new HashSet<>();
        try {
            String response = function.invoke(event.toString());
            if (reportBatchItemFailures) {
                failed.addAll(failures(response, batch));
            }
        } catch (FunctionError e) {
            LOG.warn("{}: {} failed a batch of {}: {}: {}; the messages return after the visibility timeout",
                    name, function.name(), batch.size(), e.errorType(), e.errorMessage());
            return;
        }
        List<Message> done = batch.stream().filter(m -> !failed.contains(m.messageId())).toList();
        delete(done);
        if (!failed.isEmpty()) {
            LOG.info("{}: {} reported {} of {} messages failed; they stay on the queue", name, function.name(),
                    failed.size(), batch.size());
        }
    }

    /**
     * The message ids an {@code SQSBatchResponse} names. An empty or unknown id fails the whole
     * batch, as Lambda treats it.
     */
    static Set<String> failures(String response, List<Message> batch) {
        Set<String> ids = new HashSet<>();
        JsonNode r;
        try {
            r = JSON.readTree(response);
        } catch (IOException e) {
            return ids;
        }
        Set<String> inBatch = new HashSet<>();
        batch.forEach(m -> inBatch.add(m.messageId()));
        for (JsonNode f : r.path("batchItemFailures")) {
            String id = f.path("itemIdentifier").asText("");
            if (id.isEmpty() || !inBatch.contains(id)) {
                return inBatch;
            }
            ids.add(id);
        }
        return ids;
    }

    private boolean matches(ObjectNode record) {
        ObjectNode view = record.deepCopy();
        try {
            // Lambda filters on the body as JSON when it is JSON.
            view.set("body", JSON.readTree(record.path("body").asText()));
        } catch (IOException notJson) {
            // keep it a string
        }
        try {
            return !filter.rulesForJSONEvent(view.toString()).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    private void delete(List<Message> messages) {
        for (int from = 0; from < messages.size(); from += SQS_MAX_PER_RECEIVE) {
            List<Message> chunk = messages.subList(from, Math.min(messages.size(), from + SQS_MAX_PER_RECEIVE));
            sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(chunk.stream().map(m -> software.amazon.awssdk.services.sqs
                    .model.DeleteMessageBatchRequestEntry.builder().id(m.messageId()).receiptHandle(m.receiptHandle()).build()).toList()));
        }
    }

    /** One record of an SQS event, field for field as Lambda writes it. */
    private ObjectNode record(Message m) {
        ObjectNode r = JSON.createObjectNode();
        r.put("messageId", m.messageId());
        r.put("receiptHandle", m.receiptHandle());
        r.put("body", m.body());
        ObjectNode attributes = r.putObject("attributes");
        m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
        ObjectNode messageAttributes = r.putObject("messageAttributes");
        m.messageAttributes().forEach((k, v) -> messageAttributes.set(k, attribute(v)));
        r.put("md5OfBody", m.md5OfBody());
        if (m.md5OfMessageAttributes() != null) {
            r.put("md5OfMessageAttributes", m.md5OfMessageAttributes());
        }
        r.put("eventSource", "aws:sqs");
        r.put("eventSourceARN", queueArn);
        r.put("awsRegion", region);
        return r;
    }

    private static ObjectNode attribute(MessageAttributeValue v) {
        ObjectNode a = JSON.createObjectNode();
        if (v.stringValue() != null) {
            a.put("stringValue", v.stringValue());
        }
        if (v.binaryValue() != null) {
            a.put("binaryValue", Base64.getEncoder().encodeToString(v.binaryValue().asByteArray()));
        }
        ArrayNode strings = a.putArray("stringListValues");
        v.stringListValues().forEach(strings::add);
        ArrayNode binaries = a.putArray("binaryListValues");
        v.binaryListValues().forEach(b -> binaries.add(Base64.getEncoder().encodeToString(b.asByteArray())));
        a.put("dataType", v.dataType());
        return a;
    }
}
