package io.siyu.local.probe;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.List;

/** Logs each batch's bodies; a body starting "fail" is reported failed, one starting "boom" fails the invocation. */
public final class SqsProbe implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final ProbeLog log = new ProbeLog("sqs.log");

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<String> bodies = new ArrayList<>();
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage m : event.getRecords()) {
            bodies.add(m.getBody() + "@" + m.getAttributes().get("ApproximateReceiveCount") + "@" + m.getEventSource());
            if (m.getBody().startsWith("fail")) {
                failures.add(new SQSBatchResponse.BatchItemFailure(m.getMessageId()));
            }
        }
        log.write(String.join(",", bodies));
        if (event.getRecords().stream().anyMatch(m -> m.getBody().startsWith("boom"))) {
            throw new IllegalStateException("boom in the batch");
        }
        return new SQSBatchResponse(failures);
    }
}
