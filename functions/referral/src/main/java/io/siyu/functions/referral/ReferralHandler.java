package io.siyu.functions.referral;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.siyu.core.events.DomainEvent;
import io.siyu.eventbus.DomainEventJson;
import io.siyu.lambda.Observability;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EventBridge rule's target (ContactAdded, ContactRemoved, GroupMemberJoined, GroupMemberLeft
 * from siyu.wecom): the event as EventBridge delivers it, one per invocation. An event that is not
 * a Siyu domain event is logged and dropped (retrying cannot fix it); a failure to store or to
 * read WeCom is thrown, so Lambda retries and finally sends the event to the failure queue.
 */
public final class ReferralHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ReferralHandler.class);

    private final ReferralService service;

    public ReferralHandler() {
        this(ReferralConfig.fromEnvironment().service());
        ReferralConfig.prime();
    }

    ReferralHandler(ReferralService service) {
        this.service = service;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) {
        Observability.handle(context, () -> {
            handle(input);
            return null;
        });
    }

    private void handle(InputStream input) {
        DomainEvent event;
        try {
            event = DomainEventJson.fromEventBridgeEvent(input);
        } catch (IllegalArgumentException e) {
            LOG.error("referral rejected an event that is not a Siyu domain event: {}", e.getMessage());
            Observability.count("ReferralRejected");
            return;
        }
        Observability.correlationId(event.eventId());
        ReferralService.Result r = service.handle(event);
        if (r.ignored() != null) {
            LOG.info("referral ignored {} {}: {}", r.detailType(), event.eventId(), r.ignored());
            Observability.count("ReferralIgnored");
            return;
        }
        LOG.info("referral {} {}: campaigns={} recorded={} duplicates={} inviterChanges={} conflicts={}", r.detailType(),
                event.eventId(), r.campaigns(), r.recorded(), r.duplicates(), r.inviterChanges(), r.conflicts());
        Observability.count("ReferralEntriesRecorded", r.recorded());
        Observability.count("ReferralDuplicates", r.duplicates());
        Observability.count("ReferralConflicts", r.conflicts());
        if (r.dropped() > 0) {
            LOG.error("referral dropped {} entries of {}: an invitee log is full ({} entries)", r.dropped(), event.eventId(),
                    ReferralService.MAX_LOG_ENTRIES);
            Observability.count("ReferralDropped", r.dropped());
        }
    }
}
