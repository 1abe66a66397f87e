package io.siyu.functions.sopsender;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.functions.sopsender.SenderService.Outcome;
import io.siyu.lambda.Observability;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sop-dispatch messages ({@code {"dispatch": key}}), one WeCom call each. Only the messages that
 * need another try are reported (ReportBatchItemFailures): a frequency limit with the backoff set
 * as the message's visibility timeout; a failed dispatch with none, so it reaches the dead-letter
 * queue after maxReceiveCount quick receives that send nothing.
 */
public final class SenderHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    /** Sets how long a received message stays invisible (its retry delay). */
    interface Visibility {
        void change(String receiptHandle, Duration after);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(SenderHandler.class);

    private final SenderService service;
    private final Visibility visibility;

    public SenderHandler() {
        this(SenderConfig.fromEnvironment());
    }

    private SenderHandler(SenderConfig config) {
        this(config.service(), config.visibility());
    }

    SenderHandler(SenderService service, Visibility visibility) {
        this.service = service;
        this.visibility = visibility;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return Observability.handle(context, () -> {
            List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
            for (SQSEvent.SQSMessage message : event.getRecords() == null ? List.<SQSEvent.SQSMessage>of() : event.getRecords()) {
                if (!handle(message)) {
                    failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                }
            }
            return new SQSBatchResponse(failures);
        });
    }

    /** True when the message is done with (delete it), false when the queue must deliver it again. */
    private boolean handle(SQSEvent.SQSMessage message) {
        String key = null;
        try {
            key = dispatchKey(message.getBody());
            int receives = receiveCount(message);
            Outcome outcome = service.send(key, receives);
            if (outcome instanceof Outcome.Sent s) {
                LOG.info("sop dispatch {} sent: msgid={} recipients={} refusedByWeCom={}", key, s.msgId(), s.recipients(), s.refused());
                Observability.count("SopDispatchSent");
                Observability.count("SopRecipientsSent", s.recipients() - s.refused());
                return true;
            }
            if (outcome instanceof Outcome.AlreadyDone || outcome instanceof Outcome.Duplicate) {
                LOG.info("sop dispatch {} was a redelivery: {}; nothing sent", key, outcome.getClass().getSimpleName());
                Observability.count("SopDispatchRedelivered");
                return true;
            }
            if (outcome instanceof Outcome.RetryLater r) {
                LOG.warn("sop dispatch {} retries in {} s (receive {}): {}", key, r.after().toSeconds(), receives, r.reason());
                Observability.count("SopDispatchRetried");
                visibility.change(message.getReceiptHandle(), r.after());
                return false;
            }
            if (outcome instanceof Outcome.Failed f) {
                LOG.error("sop dispatch {} failed: reason={} detail={} (receive {}; the message goes on to the dead-letter queue)",
                        key, f.reason(), f.detail(), receives);
                Observability.count("SopDispatchFailed");
                visibility.change(message.getReceiptHandle(), Duration.ZERO);
                return false;
            }
            LOG.error("sop dispatch {} does not exist; the message goes on to the dead-letter queue", key);
            visibility.change(message.getReceiptHandle(), Duration.ZERO);
            return false;
        } catch (RuntimeException e) {
            LOG.error("sop dispatch message {} (dispatch {}) failed; the queue retries it", message.getMessageId(), key, e);
            return false;
        }
    }

    static String dispatchKey(String body) {
        try {
            var node = body == null ? null : JSON.readTree(body);
            String key = node == null ? null : node.path("dispatch").asText(null);
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("no \"dispatch\" in the message body");
            }
            return key;
        } catch (IOException e) {
            throw new IllegalArgumentException("the message body is not JSON");
        }
    }

    private static int receiveCount(SQSEvent.SQSMessage message) {
        Map<String, String> attributes = message.getAttributes();
        String count = attributes == null ? null : attributes.get("ApproximateReceiveCount");
        try {
            return count == null ? 1 : Integer.parseInt(count);
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
