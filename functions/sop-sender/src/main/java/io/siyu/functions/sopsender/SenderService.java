package io.siyu.functions.sopsender;

import io.siyu.core.sop.ChatType;
import io.siyu.core.sop.Content;
import io.siyu.core.sop.DispatchStore;
import io.siyu.core.sop.DispatchStore.Dispatch;
import io.siyu.core.sop.DispatchStore.From;
import io.siyu.core.sop.FailureReason;
import io.siyu.wecom.api.ExternalContactApi.Attachment;
import io.siyu.wecom.api.MassMessageApi;
import io.siyu.wecom.api.MassMessageApi.MessageTemplate;
import io.siyu.wecom.api.WeComException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one dispatch: one {@code add_msg_template} for one sender with all of the dispatch's
 * recipients (up to WeCom's per-call maximum). Before calling WeCom it takes the dispatch's
 * conditional marker (PLANNED → SENDING); whatever delivery of the message comes second finds
 * the marker taken and sends nothing, so no recipient gets a step twice.
 *
 * <p>After the call: a task is recorded with its msgid and WeCom's fail_list; a frequency limit
 * (WeCom did nothing) releases the marker and asks the queue for a retry after a backoff, until
 * the queue's last receive, which fails the dispatch; a refusal fails it at once; no answer at
 * all fails it as OUTCOME_UNKNOWN, because WeCom may have created the task.
 */
final class SenderService {

    private static final Logger LOG = LoggerFactory.getLogger(SenderService.class);

    /** What became of one delivery of a dispatch message. */
    sealed interface Outcome {
        /** WeCom created the task now. */
        record Sent(String msgId, int recipients, int refused) implements Outcome {}

        /** The dispatch was sent (or failed) before: this delivery is a redelivery. */
        record AlreadyDone() implements Outcome {}

        /** Another delivery of the same dispatch holds the marker and is sending it now. */
        record Duplicate() implements Outcome {}

        /** Try again after {@code after} (the queue's visibility timeout carries the backoff). */
        record RetryLater(Duration after, String reason) implements Outcome {}

        /**
         * Failed for good; the reason is on the dispatch ({@code reason} is null when it failed on an
         * earlier receive). The message goes on to the dead-letter queue.
         */
        record Failed(FailureReason reason, String detail) implements Outcome {}

        /** No such dispatch. */
        record Missing() implements Outcome {}
    }

    private final DispatchStore store;
    private final MassMessageApi wecom;
    private final Clock clock;
    private final Supplier<String> tokens;
    private final Duration lease;
    private final int maxReceives;
    private final Duration retryBase;
    private final Duration retryMax;

    /**
     * @param lease how long the marker keeps other deliveries out: longer than the function can run
     * @param maxReceives the source queue's maxReceiveCount: the receive that is the last before the dead-letter queue
     */
    SenderService(DispatchStore store, MassMessageApi wecom, Clock clock, Supplier<String> tokens, Duration lease, int maxReceives,
                  Duration retryBase, Duration retryMax) {
        this.store = store;
        this.wecom = wecom;
        this.clock = clock;
        this.tokens = tokens;
        this.lease = lease;
        this.maxReceives = maxReceives;
        this.retryBase = retryBase;
        this.retryMax = retryMax;
    }

    /** @param receiveCount how many times the queue has delivered this message (1 the first time) */
    Outcome send(String key, int receiveCount) {
        Dispatch dispatch = store.dispatch(key).orElse(null);
        if (dispatch == null) {
            return new Outcome.Missing();
        }
        Instant now = clock.instant();
        switch (dispatch.status()) {
            case TASK_CREATED:
                return new Outcome.AlreadyDone();
            case FAILED:
                return new Outcome.Failed(null, "it failed on an earlier receive (the reason is on the dispatch)");
            case SENDING:
                if (dispatch.leaseUntil() != null && dispatch.leaseUntil().isAfter(now)) {
                    return new Outcome.Duplicate();
                }
                String detail = "a delivery marked it SENDING and stopped before recording WeCom's answer; WeCom may have created the task";
                return store.fail(dispatch, new From.Abandoned(now), FailureReason.OUTCOME_UNKNOWN, detail, now)
                        ? new Outcome.Failed(FailureReason.OUTCOME_UNKNOWN, detail) : new Outcome.Duplicate();
            default:
                break;
        }
        MessageTemplate template;
        try {
            template = template(dispatch);
        } catch (IllegalArgumentException invalid) {
            String token = tokens.get();
            if (store.claim(key, token, now.plus(lease))) {
                store.fail(dispatch, new From.Claimed(token), FailureReason.INVALID, invalid.getMessage(), now);
                return new Outcome.Failed(FailureReason.INVALID, invalid.getMessage());
            }
            return new Outcome.Duplicate();
        }
        String token = tokens.get();
        if (!store.claim(key, token, now.plus(lease))) {
            return new Outcome.Duplicate();
        }
        try {
            MassMessageApi.MessageTemplateResult result = wecom.addMessageTemplate(template);
            try {
                store.taskCreated(dispatch, token, result.msgId(), result.failList(), clock.instant());
            } catch (RuntimeException e) {
                // The task exists; only its record failed. The msgid must not be lost: it is in this line.
                LOG.error("WeCom created task msgid={} for dispatch {} but it was not recorded", result.msgId(), key, e);
                throw e;
            }
            int refused = (int) dispatch.recipients().stream().filter(result.failList()::contains).count();
            return new Outcome.Sent(result.msgId(), dispatch.head().recipients(), refused);
        } catch (WeComException.NoAnswer e) {
            return fail(dispatch, token, FailureReason.OUTCOME_UNKNOWN, e.getMessage());
        } catch (WeComException e) {
            if (!e.retryable()) {
                return fail(dispatch, token, FailureReason.WECOM_ERROR, e.getMessage());
            }
            if (receiveCount >= maxReceives) {
                return fail(dispatch, token, FailureReason.RETRIES_EXHAUSTED, e.getMessage() + " (receive " + receiveCount + " of " + maxReceives + ")");
            }
            store.release(key, token, e.getMessage());
            return new Outcome.RetryLater(backoff(receiveCount), e.getMessage());
        }
    }

    private Outcome fail(Dispatch dispatch, String token, FailureReason reason, String detail) {
        store.fail(dispatch, new From.Claimed(token), reason, detail, clock.instant());
        return new Outcome.Failed(reason, detail);
    }

    /** base × 2^(receives − 1), at most {@code retryMax}: 45009's minute window, then longer ones. */
    Duration backoff(int receiveCount) {
        int doublings = Math.min(Math.max(receiveCount - 1, 0), 20);
        Duration d = retryBase.multipliedBy(1L << doublings);
        return d.compareTo(retryMax) > 0 ? retryMax : d;
    }

    static MessageTemplate template(Dispatch dispatch) {
        var head = dispatch.head();
        MassMessageApi.ChatType type = head.chatType() == ChatType.GROUP ? MassMessageApi.ChatType.GROUP : MassMessageApi.ChatType.SINGLE;
        return new MessageTemplate(type, head.sender(), dispatch.recipients(), head.content().text(), attachments(head.content()));
    }

    private static List<Attachment> attachments(Content content) {
        return content.attachments().stream().map(a -> {
            if (a instanceof Content.Attachment.Image i) {
                return i.mediaId() != null ? Attachment.image(i.mediaId()) : new Attachment("image", Map.<String, Object>of("pic_url", i.picUrl()));
            }
            if (a instanceof Content.Attachment.Link l) {
                return Attachment.link(l.title(), l.url(), l.picUrl(), l.desc());
            }
            Content.Attachment.MiniProgram p = (Content.Attachment.MiniProgram) a;
            return Attachment.miniprogram(p.title(), p.picMediaId(), p.appId(), p.page());
        }).toList();
    }
}
