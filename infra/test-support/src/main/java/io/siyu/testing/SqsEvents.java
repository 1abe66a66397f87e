package io.siyu.testing;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * SQS events for handler tests, made from a real Lambda SQS event (fixtures/sqs/sqs-event.json,
 * loaded by aws-lambda-java-tests' EventLoader) with the messages really received from a queue,
 * and a poller that plays Lambda's part: receive, invoke, delete what succeeded.
 */
public final class SqsEvents {

    private SqsEvents() {}

    /** An event whose records are {@code messages}, as Lambda's poller would build it. */
    public static SQSEvent of(String queueArn, List<Message> messages) {
        SQSEvent.SQSMessage template = EventLoader.loadSQSEvent("fixtures/sqs/sqs-event.json").getRecords().get(0);
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message m : messages) {
            SQSEvent.SQSMessage r = new SQSEvent.SQSMessage();
            r.setMessageId(m.messageId());
            r.setReceiptHandle(m.receiptHandle());
            r.setBody(m.body());
            r.setMd5OfBody(m.md5OfBody());
            Map<String, String> attributes = new HashMap<>(template.getAttributes());
            m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
            r.setAttributes(attributes);
            r.setMessageAttributes(new HashMap<>());
            r.setEventSource(template.getEventSource());
            r.setEventSourceArn(queueArn);
            r.setAwsRegion(template.getAwsRegion());
            records.add(r);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    /**
     * Receives up to {@code max} messages (waiting up to {@code waitSeconds} for the first), hands
     * them to {@code handler} as one event, and deletes every message the handler did not report
     * as failed, as Lambda does with ReportBatchItemFailures. Returns the number of messages received.
     */
    public static int deliver(SqsClient sqs, String queueUrl, String queueArn, int max, int waitSeconds,
                              Function<SQSEvent, SQSBatchResponse> handler) {
        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(max).waitTimeSeconds(waitSeconds)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        if (messages.isEmpty()) {
            return 0;
        }
        SQSBatchResponse response = handler.apply(of(queueArn, messages));
        Set<String> failed = response == null || response.getBatchItemFailures() == null ? Set.of()
                : response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).collect(Collectors.toSet());
        for (Message m : messages) {
            if (!failed.contains(m.messageId())) {
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
        return messages.size();
    }

    /** Every message currently visible in a queue, received and left in flight (for assertions). */
    public static List<Message> drain(SqsClient sqs, String queueUrl) {
        List<Message> out = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (batch.isEmpty()) {
                return out;
            }
            out.addAll(batch);
        }
    }
}
