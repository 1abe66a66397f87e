package io.siyu.core.sop;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The WeCom tasks the delivery sync follows: dispatches that reached TASK_CREATED, until every
 * recipient's outcome is known or the follow-up window ends. Every change is conditional and
 * moves the run's {@link DeliveryCounters} in the same write, so a repeated or concurrent sync
 * counts nothing twice.
 */
public interface DeliveryStore {

    /**
     * A dispatch as the sync sees it.
     *
     * @param taskCreatedAt when WeCom created the task (the follow-up window starts then)
     * @param refused recipients in WeCom's fail_list (never sent)
     * @param confirmedAt when the sync first saw the sender's confirmation; null before
     * @param remindersStopped WeCom refused a reminder (41094): none is sent again
     * @param cancelledAt when an operator cancelled the task; null if not
     */
    record Task(DispatchHead head, String msgId, Instant taskCreatedAt, long refused, Instant confirmedAt, int reminders,
                Instant lastRemindedAt, boolean remindersStopped, Instant cancelledAt, List<TrackedPage> pages) {
        public Task {
            pages = List.copyOf(pages);
        }

        public boolean confirmed() {
            return confirmedAt != null;
        }

        /** Recipients the task can still reach: all but WeCom's fail_list. */
        public long reachable() {
            return head.recipients() - refused;
        }
    }

    /**
     * A recipient page with its exceptions (recipients whose status differs from TASK_CREATED)
     * and the version the sync's conditional writes check.
     */
    record TrackedPage(int page, List<String> ids, Map<String, RecipientStatus> exceptions, long version) {
        public TrackedPage {
            ids = List.copyOf(ids);
            exceptions = Map.copyOf(exceptions);
        }

        public RecipientStatus statusOf(String id) {
            return exceptions.getOrDefault(id, RecipientStatus.TASK_CREATED);
        }

        /**
         * The transitions {@code outcomes} (recipient → status) make on this page: only recipients
         * still TASK_CREATED move, so outcomes already recorded change nothing.
         */
        public Map<String, RecipientStatus> changes(Map<String, RecipientStatus> outcomes) {
            Map<String, RecipientStatus> changes = new HashMap<>();
            for (String id : ids) {
                RecipientStatus next = outcomes.get(id);
                if (next != null && statusOf(id) == RecipientStatus.TASK_CREATED) {
                    changes.put(id, next);
                }
            }
            return changes;
        }

        /** Recipients whose outcome is not known yet (still TASK_CREATED). */
        public long open() {
            return ids.stream().filter(id -> statusOf(id) == RecipientStatus.TASK_CREATED).count();
        }

        /** Every recipient still TASK_CREATED, moved to {@code status}. */
        public Map<String, RecipientStatus> remaining(RecipientStatus status) {
            Map<String, RecipientStatus> changes = new HashMap<>();
            ids.stream().filter(id -> statusOf(id) == RecipientStatus.TASK_CREATED).forEach(id -> changes.put(id, status));
            return changes;
        }
    }

    /**
     * A created task as reports show it.
     *
     * @param closing how its follow-up ended; null while the sync follows it
     */
    record SenderTask(String dispatchKey, String sender, String msgId, long recipients, long refused, Instant confirmedAt, int reminders,
                      Instant cancelledAt, Closing closing) {
        public boolean confirmed() {
            return confirmedAt != null;
        }

        /** Still followed, not confirmed and not cancelled: cancel_groupmsg_send can still stop it. */
        public boolean cancellable() {
            return closing == null && confirmedAt == null && cancelledAt == null;
        }
    }

    /** How a task's follow-up ended. */
    enum Closing {
        /** Confirmed, and every reachable recipient has its outcome. */
        COMPLETE,
        /** The follow-up window ended first; what was still open is UNCONFIRMED. */
        WINDOW_ENDED,
        /** An operator cancelled it before the sender confirmed; what was still open is CANCELLED. */
        CANCELLED
    }

    /** The run's tasks WeCom created (one per dispatch), in sender order. */
    List<SenderTask> tasks(RunId run);

    /**
     * Every task of the corp the delivery sync still follows (the ByDeliveryCheck index), as
     * reports show it; {@link SenderTask#cancellable()} tells those still waiting for their sender.
     */
    List<SenderTask> followed(String corpId);

    /** Keys of the corp's followed tasks whose next check is due at {@code now}, oldest check first, at most {@code limit}. */
    List<String> due(String corpId, Instant now, int limit);

    /** The task, or empty when the dispatch is gone or was never created at WeCom. */
    Optional<Task> task(String dispatchKey);

    /** Records the sender's confirmation, counting the reachable recipients as confirmed; false when it was recorded already. */
    boolean confirmed(Task task, Instant now);

    /**
     * Records {@code changes} on the page, conditionally on the page's version, and moves the
     * counters by the transitions; false when the page changed since it was read (another sync).
     */
    boolean record(Task task, TrackedPage page, Map<String, RecipientStatus> changes);

    /** Takes reminder number {@code task.reminders() + 1}; false when another sync took it. */
    boolean reminding(Task task, Instant now);

    /** WeCom refused a reminder (41094): send none again for this task. */
    void stopReminders(String dispatchKey);

    /**
     * Records that an operator cancelled the task at WeCom, and makes it due at once so the sync
     * closes it; false when it was cancelled already or is no longer followed.
     */
    boolean cancelled(RunId run, String dispatchKey, Instant now);

    /** The next check of a followed task. */
    void checkAgainAt(String dispatchKey, Instant at);

    /** Stops following the task; false when it was not followed any more. */
    boolean close(Task task, Closing closing, Instant now);
}
