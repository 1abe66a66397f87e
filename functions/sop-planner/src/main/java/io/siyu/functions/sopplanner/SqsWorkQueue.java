package io.siyu.functions.sopplanner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.core.sop.WorkQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * {@link WorkQueue} on SQS: {@code SendMessageBatch}, ten messages a call, each body
 * {@code {"<field>": "<key>"}}. Entries SQS did not accept are sent again (twice at most); if
 * some still fail the caller gets an exception, so its own message is retried.
 */
final class SqsWorkQueue implements WorkQueue {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS = 3;

    private final SqsClient sqs;
    private final String queueUrl;
    private final String field;

    SqsWorkQueue(SqsClient sqs, String queueUrl, String field) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.field = field;
    }

    @Override
    public void send(List<String> keys) {
        sendLater(keys, 0);
    }

    @Override
    public void sendLater(List<String> keys, int delaySeconds) {
        for (int from = 0; from < keys.size(); from += 10) {
            List<String> batch = keys.subList(from, Math.min(keys.size(), from + 10));
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(body(batch.get(i)))
                        .delaySeconds(delaySeconds > 0 ? delaySeconds : null).build());
            }
            for (int attempt = 1; !entries.isEmpty(); attempt++) {
                List<SendMessageBatchRequestEntry> send = entries;
                List<BatchResultErrorEntry> failed = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(send)).failed();
                if (failed.isEmpty()) {
                    break;
                }
                if (attempt == ATTEMPTS) {
                    throw new IllegalStateException(failed.size() + " messages not accepted by " + queueUrl + ": " + failed.get(0).code());
                }
                List<String> ids = failed.stream().map(BatchResultErrorEntry::id).toList();
                entries = send.stream().filter(e -> ids.contains(e.id())).toList();
            }
        }
    }

    private String body(String key) {
        try {
            return JSON.writeValueAsString(Map.of(field, key));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The key in a message body this queue wrote; IllegalArgumentException when it is not one. */
    static String key(String body, String field) {
        try {
            var node = JSON.readTree(body);
            String key = node == null ? null : node.path(field).asText(null);
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("no \"" + field + "\" in the message body");
            }
            return key;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the message body is not JSON");
        }
    }
}
