package io.siyu.core.sop;

/**
 * What the delivery sync learnt about a run, each figure moved exactly once per transition (in
 * the transaction that records it), so reading the same WeCom pages again changes nothing.
 *
 * @param confirmed recipients (of tasks WeCom created, less its fail_list) whose sender confirmed the task
 * @param sent recipients WeCom delivered to (send status 1)
 * @param notFriend recipients who were no longer the sender's friend (status 2)
 * @param skippedDailyLimit recipients WeCom skipped: they had a mass message that day already (status 3)
 * @param unconfirmed recipients still not sent when the follow-up window ended
 * @param cancelled recipients of tasks an operator cancelled before their sender confirmed
 * @param tasksConfirmed tasks (one per dispatch) their sender confirmed
 * @param tasksClosed tasks the sync stopped following (all read, the window ended, or cancelled)
 * @param tasksCancelled tasks an operator cancelled (cancel_groupmsg_send)
 * @param reminders remind_groupmsg_send calls made
 */
public record DeliveryCounters(long confirmed, long sent, long notFriend, long skippedDailyLimit, long unconfirmed, long cancelled,
                               long tasksConfirmed, long tasksClosed, long tasksCancelled, long reminders) {

    public static final DeliveryCounters ZERO = new DeliveryCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public static DeliveryCounters confirmedTask(long recipients) {
        return new DeliveryCounters(recipients, 0, 0, 0, 0, 0, 1, 0, 0, 0);
    }

    public static final DeliveryCounters CLOSED_TASK = new DeliveryCounters(0, 0, 0, 0, 0, 0, 0, 1, 0, 0);
    public static final DeliveryCounters CANCELLED_TASK = new DeliveryCounters(0, 0, 0, 0, 0, 0, 0, 0, 1, 0);
    public static final DeliveryCounters REMINDER = new DeliveryCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 1);

    public DeliveryCounters plus(DeliveryCounters o) {
        return new DeliveryCounters(confirmed + o.confirmed, sent + o.sent, notFriend + o.notFriend,
                skippedDailyLimit + o.skippedDailyLimit, unconfirmed + o.unconfirmed, cancelled + o.cancelled,
                tasksConfirmed + o.tasksConfirmed, tasksClosed + o.tasksClosed, tasksCancelled + o.tasksCancelled, reminders + o.reminders);
    }

    /** One recipient moving from TASK_CREATED to {@code status}. */
    public static DeliveryCounters transition(RecipientStatus status) {
        return switch (status) {
            case SENT -> new DeliveryCounters(0, 1, 0, 0, 0, 0, 0, 0, 0, 0);
            case FAILED_NOT_FRIEND -> new DeliveryCounters(0, 0, 1, 0, 0, 0, 0, 0, 0, 0);
            case SKIPPED_DAILY_LIMIT -> new DeliveryCounters(0, 0, 0, 1, 0, 0, 0, 0, 0, 0);
            case UNCONFIRMED -> new DeliveryCounters(0, 0, 0, 0, 1, 0, 0, 0, 0, 0);
            case CANCELLED -> new DeliveryCounters(0, 0, 0, 0, 0, 1, 0, 0, 0, 0);
            default -> throw new IllegalArgumentException("not a delivery status: " + status);
        };
    }

    public boolean isZero() {
        return equals(ZERO);
    }
}
