package io.siyu.local.probe;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Logs each batch's item ids. An item whose {@code behaviour} is {@code fail-once} is reported
 * failed the first time it is seen; {@code poison} fails the whole invocation every time.
 */
public final class StreamProbe implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

    private final ProbeLog log = new ProbeLog("stream.log");
    private final Set<String> failedOnce = new HashSet<>();

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        List<String> ids = new ArrayList<>();
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        boolean poison = false;
        for (DynamodbEvent.DynamodbStreamRecord r : event.getRecords()) {
            Map<String, AttributeValue> image = r.getDynamodb().getNewImage();
            String id = image.get("pk").getS();
            String behaviour = image.containsKey("behaviour") ? image.get("behaviour").getS() : "";
            ids.add(id + ":" + r.getEventName());
            if (behaviour.equals("fail-once") && failedOnce.add(id)) {
                failures.add(new StreamsEventResponse.BatchItemFailure(r.getDynamodb().getSequenceNumber()));
            }
            poison |= behaviour.equals("poison");
        }
        log.write(String.join(",", ids));
        if (poison) {
            throw new IllegalStateException("poison record");
        }
        return new StreamsEventResponse(failures);
    }
}
