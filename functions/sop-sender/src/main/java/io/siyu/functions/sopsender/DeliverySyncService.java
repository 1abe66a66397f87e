package io.siyu.functions.sopsender;

import io.siyu.core.sop.ChatType;
import io.siyu.core.sop.DeliveryStore;
import io.siyu.core.sop.DeliveryStore.Closing;
import io.siyu.core.sop.DeliveryStore.Task;
import io.siyu.core.sop.DeliveryStore.TrackedPage;
import io.siyu.core.sop.RecipientStatus;
import io.siyu.wecom.api.MassMessageApi;
import io.siyu.wecom.api.MassMessageApi.SendResult;
import io.siyu.wecom.api.WeComException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the WeCom tasks the sender created until their delivery is known (docs/sop.md,
 * "Delivery"). Per task: has the sender confirmed ({@code get_groupmsg_task})? If so, what did
 * each recipient get ({@code get_groupmsg_send_result})? Outcomes are recorded only as
 * transitions from TASK_CREATED, so reading the same pages again, or two syncs at once, count
 * nothing twice. A task is closed once confirmed with every outcome known, or when its follow-up
 * window ends (what is still open becomes UNCONFIRMED). Unconfirmed senders are reminded.
 */
final class DeliverySyncService {

    private static final Logger LOG = LoggerFactory.getLogger(DeliverySyncService.class);
    /** Followed tasks read from the index per query. */
    static final int DUE_BATCH = 25;
    /** WeCom accepts 3 reminders per task in 24 h (§9); Siyu sends at most that many in all. */
    static final int MAX_REMINDERS = 3;
    /** After the window, how long a busy or rate-limited WeCom is still waited for before the task closes with what is known. */
    static final Duration LAST_READ_GRACE = Duration.ofDays(1);

    /**
     * @param window how long after its creation a task is followed (then UNCONFIRMED)
     * @param checkEvery how long until a task that is still open is read again
     * @param remindAfter how long a sender may leave a task unconfirmed before a reminder, and between reminders
     */
    record Policy(Duration window, Duration checkEvery, Duration remindAfter) {}

    /** What one sync of one task did. */
    sealed interface Result {
        record Closed(Closing closing) implements Result {}

        record Open(boolean confirmed, boolean reminded) implements Result {}

        /** WeCom is still dispatching the task (41063), or another sync changed it meanwhile: read later. */
        record ReadLater(String reason) implements Result {}

        /** The dispatch is gone (expired) or not a created task. */
        record Gone() implements Result {}
    }

    /** One scheduled run over the due tasks. */
    record Sweep(int synced, int closed, int readLater, int errors, boolean stoppedAtDeadline) {}

    private final String corpId;
    private final DeliveryStore store;
    private final MassMessageApi wecom;
    private final Clock clock;
    private final Policy policy;

    DeliverySyncService(String corpId, DeliveryStore store, MassMessageApi wecom, Clock clock, Policy policy) {
        this.corpId = corpId;
        this.store = store;
        this.wecom = wecom;
        this.clock = clock;
        this.policy = policy;
    }

    /** Syncs every task due now, until none is due or {@code deadline} (the next run continues). */
    Sweep sweep(Instant deadline) {
        int synced = 0;
        int closed = 0;
        int later = 0;
        int errors = 0;
        // The index is eventually consistent: a task just moved to a later check may still be listed as due.
        Set<String> seen = new HashSet<>();
        while (true) {
            List<String> due = store.due(corpId, clock.instant(), DUE_BATCH).stream().filter(k -> !seen.contains(k)).toList();
            if (due.isEmpty()) {
                return new Sweep(synced, closed, later, errors, false);
            }
            for (String key : due) {
                seen.add(key);
                if (!clock.instant().isBefore(deadline)) {
                    return new Sweep(synced, closed, later, errors, true);
                }
                try {
                    Result result = sync(key);
                    synced++;
                    if (result instanceof Result.Closed) {
                        closed++;
                    } else if (result instanceof Result.ReadLater) {
                        later++;
                    }
                } catch (RuntimeException e) {
                    // WeCom or DynamoDB failed for this task: the others go on, this one is read at its next check.
                    LOG.warn("sop delivery sync of {} failed; it is read again later", key, e);
                    errors++;
                    store.checkAgainAt(key, clock.instant().plus(policy.checkEvery()));
                }
            }
        }
    }

    /** Reads one task at WeCom and records what changed. */
    Result sync(String key) {
        Task task = store.task(key).orElse(null);
        Instant now = clock.instant();
        if (task == null) {
            store.checkAgainAt(key, now.plus(policy.checkEvery()));
            return new Result.Gone();
        }
        boolean windowEnded = !now.isBefore(windowEnd(task));
        boolean confirmed = task.confirmed();
        boolean cancelled = task.cancelledAt() != null;
        Map<String, RecipientStatus> outcomes = Map.of();
        try {
            // A cancelled task is still read once: its sender may have confirmed before the cancel took effect.
            if (!confirmed && senderConfirmed(task)) {
                confirmed = true;
                store.confirmed(task, now);
            }
            if (confirmed) {
                outcomes = outcomes(task);
            }
        } catch (WeComException e) {
            boolean dispatching = e.errcode() == MassMessageApi.STILL_DISPATCHING;
            if (e.errcode() == MassMessageApi.TASK_CANCELLED) {
                cancelled = true;
            } else if (dispatching && !windowEnded && !cancelled) {
                store.checkAgainAt(key, now.plus(policy.checkEvery()));
                return new Result.ReadLater("still dispatching (41063)");
            } else if (!dispatching && !(windowEnded && (!e.retryable() || !now.isBefore(windowEnd(task).plus(LAST_READ_GRACE))))) {
                throw e; // read again at the next check
            } else if (!dispatching) {
                // The window ended and WeCom will not answer (an error a retry repeats, or a busy WeCom for a
                // day past the window): the task closes with what is known instead of being read for ever.
                LOG.warn("sop task {} ({}): the window ended and WeCom answers {}; closing with what is known", key, task.msgId(),
                        e.getMessage());
            }
            // Otherwise the window ended (or the task was cancelled) while WeCom still dispatches: what is unknown now stays unknown.
        }
        // Cancelled before the sender confirmed: nothing more can be sent.
        RecipientStatus endOfFollowUp = cancelled && !confirmed ? RecipientStatus.CANCELLED
                : windowEnded ? RecipientStatus.UNCONFIRMED : null;
        long open = 0;
        for (TrackedPage page : task.pages()) {
            Map<String, RecipientStatus> changes = page.changes(outcomes);
            if (!store.record(task, page, changes)) {
                store.checkAgainAt(key, now.plus(policy.checkEvery()));
                return new Result.ReadLater("page " + page.page() + " changed meanwhile");
            }
            TrackedPage recorded = after(page, changes);
            if (endOfFollowUp != null) {
                if (!store.record(task, recorded, recorded.remaining(endOfFollowUp))) {
                    store.checkAgainAt(key, now.plus(policy.checkEvery()));
                    return new Result.ReadLater("page " + page.page() + " changed meanwhile");
                }
            } else {
                open += recorded.open();
            }
        }
        if (endOfFollowUp != null || (confirmed && open == 0)) {
            Closing closing = endOfFollowUp == RecipientStatus.UNCONFIRMED ? Closing.WINDOW_ENDED
                    : endOfFollowUp == RecipientStatus.CANCELLED ? Closing.CANCELLED : Closing.COMPLETE;
            store.close(task, closing, now);
            return new Result.Closed(closing);
        }
        boolean reminded = !confirmed && !cancelled && remindIfDue(task, now);
        store.checkAgainAt(key, now.plus(policy.checkEvery()));
        return new Result.Open(confirmed, reminded);
    }

    private Instant windowEnd(Task task) {
        return task.taskCreatedAt().plus(policy.window());
    }

    /** The page as {@link DeliveryStore#record} left it. */
    private static TrackedPage after(TrackedPage page, Map<String, RecipientStatus> changes) {
        if (changes.isEmpty()) {
            return page;
        }
        Map<String, RecipientStatus> exceptions = new HashMap<>(page.exceptions());
        exceptions.putAll(changes);
        return new TrackedPage(page.page(), page.ids(), exceptions, page.version() + 1);
    }

    /** The task's sender has confirmed it: get_groupmsg_task, every page. */
    private boolean senderConfirmed(Task task) {
        String cursor = null;
        do {
            MassMessageApi.TaskPage page = wecom.groupMessageTasks(task.msgId(), cursor);
            for (MassMessageApi.MemberTask member : page.tasks()) {
                if (member.userId().equals(task.head().sender()) && member.confirmed()) {
                    return true;
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null && !cursor.isEmpty());
        return false;
    }

    /** Every recipient outcome WeCom reports for the task's sender: get_groupmsg_send_result, every page. */
    private Map<String, RecipientStatus> outcomes(Task task) {
        MassMessageApi.ChatType type = task.head().chatType() == ChatType.GROUP ? MassMessageApi.ChatType.GROUP : MassMessageApi.ChatType.SINGLE;
        Map<String, RecipientStatus> outcomes = new HashMap<>();
        String cursor = null;
        do {
            MassMessageApi.SendResultPage page = wecom.groupMessageSendResults(task.msgId(), task.head().sender(), cursor);
            for (SendResult row : page.results()) {
                RecipientStatus.ofSendResult(row.status()).ifPresent(status -> outcomes.put(row.recipient(type), status));
            }
            cursor = page.nextCursor();
        } while (cursor != null && !cursor.isEmpty());
        return outcomes;
    }

    /**
     * Reminds an unconfirmed sender once {@code remindAfter} passed since the task (or the last
     * reminder), at most {@link #MAX_REMINDERS} times. The reminder is taken before the call, so
     * two syncs never both send it; 41094 (over WeCom's limit) stops reminders for the task.
     */
    private boolean remindIfDue(Task task, Instant now) {
        if (task.remindersStopped() || task.reminders() >= MAX_REMINDERS) {
            return false;
        }
        Instant since = task.lastRemindedAt() != null ? task.lastRemindedAt() : task.taskCreatedAt();
        if (now.isBefore(since.plus(policy.remindAfter())) || !store.reminding(task, now)) {
            return false;
        }
        try {
            wecom.remind(task.msgId());
            return true;
        } catch (WeComException e) {
            if (e.errcode() == MassMessageApi.REMIND_OVER_LIMIT) {
                LOG.warn("sop task {} ({}): WeCom refuses more reminders (41094); none is sent again", task.head().key(), task.msgId());
                store.stopReminders(task.head().key());
            } else {
                // Not retried: the reminder is counted as taken, the next one comes after remindAfter.
                LOG.warn("sop task {} ({}): reminder failed: {}", task.head().key(), task.msgId(), e.getMessage());
            }
            return false;
        }
    }
}
