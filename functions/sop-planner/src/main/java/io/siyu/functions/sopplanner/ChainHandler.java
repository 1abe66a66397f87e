package io.siyu.functions.sopplanner;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.siyu.lambda.Observability;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Planning chains from the planning queue: each message names a chain ({@code {"chain": key}}).
 * A message that fails is reported alone (ReportBatchItemFailures) and retried by the queue;
 * after five receives it goes to the planning dead-letter queue.
 */
public final class ChainHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    static final String FIELD = "chain";
    /** Leave this much of the timeout for the last commit and the hand-on message. */
    static final long SAFETY_MILLIS = 15_000;
    private static final Logger LOG = LoggerFactory.getLogger(ChainHandler.class);

    private final ChainService service;
    private final Clock clock;

    public ChainHandler() {
        this(PlannerConfig.forChains().chainService(), Clock.systemUTC());
    }

    ChainHandler(ChainService service, Clock clock) {
        this.service = service;
        this.clock = clock;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return Observability.handle(context, () -> {
            List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
            List<SQSEvent.SQSMessage> records = event.getRecords() == null ? List.of() : event.getRecords();
            for (SQSEvent.SQSMessage message : records) {
                Instant deadline = clock.instant().plusMillis(context.getRemainingTimeInMillis() - SAFETY_MILLIS);
                try {
                    String key = SqsWorkQueue.key(message.getBody(), FIELD);
                    ChainService.Outcome outcome = service.work(key, deadline);
                    LOG.info("sop chain {}: {}", key, outcome);
                    Observability.count(switch (outcome) {
                        case DONE -> "SopChainDone";
                        case HANDED_ON -> "SopChainHandedOn";
                        case MOVED_ON -> "SopChainMovedOn";
                        case MISSING -> "SopChainMissing";
                        case WAITING -> "SopChainWaiting";
                    });
                } catch (RuntimeException e) {
                    LOG.error("sop chain message {} failed; the queue retries it", message.getMessageId(), e);
                    failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                }
            }
            return new SQSBatchResponse(failures);
        });
    }
}
