package io.siyu.functions.rfm;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.siyu.lambda.Observability;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Orders table's stream (NEW_AND_OLD_IMAGES) into incremental RFM. Records are applied in
 * order; the first one that fails (or whose customer could not be settled) is reported with
 * ReportBatchItemFailures, so Lambda delivers again from it and records already applied find
 * their once-markers.
 */
public final class RfmStreamHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(RfmStreamHandler.class);

    private final RfmService service;

    public RfmStreamHandler() {
        this(RfmConfig.forStream().service());
    }

    RfmStreamHandler(RfmService service) {
        this.service = service;
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        return Observability.handle(context, () -> process(event));
    }

    private StreamsEventResponse process(DynamodbEvent event) {
        List<DynamodbStreamRecord> records = event.getRecords() == null ? List.of() : event.getRecords();
        List<OrderChange> changes = new ArrayList<>(records.size());
        for (DynamodbStreamRecord r : records) {
            try {
                changes.add(StreamImages.change(r));
            } catch (RuntimeException e) {
                // Unreadable: applied up to here, then this record is retried until it goes to the failure queue.
                LOG.error("rfm stream record unreadable: eventId={}", r.getEventID(), e);
                break;
            }
        }
        RfmService.BatchOutcome outcome = service.applyBatch(changes);
        int retryFrom = outcome.retryFrom() >= 0 ? outcome.retryFrom() : changes.size() < records.size() ? changes.size() : -1;
        Observability.count("RfmRecords", outcome.counts().records);
        Observability.count("RfmDuplicates", outcome.counts().duplicates);
        Observability.count("RfmTransitions", outcome.counts().transitions);
        Observability.count("RfmTagCalls", outcome.counts().tagCalls);
        LOG.info("rfm batch: {} retryFrom={}", outcome.counts(), retryFrom);
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        if (retryFrom >= 0) {
            failures.add(StreamsEventResponse.BatchItemFailure.builder()
                    .withItemIdentifier(records.get(retryFrom).getDynamodb() == null ? null
                            : records.get(retryFrom).getDynamodb().getSequenceNumber()).build());
        }
        return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
    }
}
