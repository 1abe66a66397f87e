package io.siyu.functions.admin.sop;

import java.util.List;

/**
 * The admin API's JSON for SOPs (docs/openapi.yaml): requests and responses share these shapes.
 * Wire format only; {@link SopRequests} turns a request into the domain's {@code Sop} and back.
 */
final class SopJson {

    private SopJson() {}

    /**
     * POST and PUT bodies. {@code version}, on PUT, must be the version the caller read (optional).
     * {@code priority}: an integer 0–9, default 5 (a JSON node, so that 2.5 or "5" is refused rather
     * than coerced); steps due in the same minute are planned higher first.
     */
    record SopBody(String name, String kind, String status, com.fasterxml.jackson.databind.JsonNode priority, AudienceBody audience, List<StepBody> steps, Long version) {}

    record AudienceBody(List<String> senders, TagsBody tags, List<String> channelIds, AddedBetween addedBetween,
                        List<String> rfmSegments, List<String> lifecycleStages, List<GroupBody> groupChats) {}

    record TagsBody(List<String> any, List<String> all, List<String> none) {}

    record AddedBetween(String from, String to) {}

    record GroupBody(String sender, List<String> chatIds) {}

    /** {@code chatType}: {@code single} (customers, the default) or {@code group} (customer groups). */
    record StepBody(String stepId, String chatType, ScheduleBody schedule, ContentBody content) {}

    /**
     * Exactly one form: {@code at} (local date-time, broadcast), {@code cron} (broadcast),
     * {@code afterMinutes} (journey) or {@code day} with {@code time} (journey).
     */
    record ScheduleBody(String at, String cron, Integer afterMinutes, Integer day, String time) {}

    record ContentBody(String text, List<AttachmentBody> attachments) {}

    /** {@code type}: image ({@code mediaId} or {@code picUrl}), link, or miniprogram. */
    record AttachmentBody(String type, String mediaId, String picUrl, String title, String url, String desc, String picMediaId,
                          String appId, String page) {}

    /** An SOP as the API returns it. */
    record SopView(String sopId, String name, String kind, String status, int priority, String timeZone, long version, String createdAt,
                   String updatedAt, AudienceBody audience, List<StepBody> steps) {}

    record SopList(List<SopView> items) {}

    /**
     * A step's figures. The audience is {@code planned + skippedLost + skippedPending +
     * skippedDailyLimitPlanned + deferredWaiting}; planned recipients end up {@code sent} (WeCom
     * created the task; the sender still has to confirm it in the WeCom client), {@code failed} or
     * {@code skippedRefused} (in WeCom's fail_list), and are {@code inFlight} until then.
     * {@code skippedDailyLimitPlanned}: the recipient's day was claimed by another mass message
     * (never planned); {@code deferred}: journey recipients moved to a later day, of which
     * {@code deferredWaiting} are not planned yet.
     */
    record Figures(long planned, long sent, long failed, long skipped, long skippedLost, long skippedPending, long skippedRefused,
                   long skippedDailyLimitPlanned, long deferred, long deferredWaiting, long inFlight) {}

    /**
     * One local day under WeCom's one-mass-message-a-day rule: {@code planned} sends (each holds
     * the recipient's day), {@code deferredIn} (journey recipients moved to this day, planned
     * when their minute comes), {@code deferredOut} (moved away because this day was taken),
     * {@code skippedDailyLimitPlanned} (not planned because this day was taken).
     */
    record CapacityDay(String day, long planned, long deferredIn, long deferredOut, long skippedDailyLimitPlanned) {}

    record Capacity(String timeZone, String from, String to, CapacityDay totals, List<CapacityDay> days) {}

    /**
     * What reached customers (the delivery sync, docs/sop.md "Delivery"), as a funnel: planned →
     * taskCreated → confirmed (the sender confirmed the task) → sent, skippedDailyLimit,
     * notFriend; unconfirmed when the follow-up window ended first; {@code awaiting} is still
     * open. Tasks: created, confirmed by their sender, no longer followed; reminders sent.
     */
    record Delivery(long planned, long taskCreated, long confirmed, long sent, long skippedDailyLimit, long notFriend, long unconfirmed,
                    long cancelled, long awaiting, long tasksConfirmed, long tasksClosed, long tasksCancelled, long reminders) {}

    /**
     * A sender who has not confirmed their task(s) of a run. {@code state}: WAITING (still
     * followed), CANCELLED (an operator cancelled it) or WINDOW_ENDED (the follow-up window ended
     * unconfirmed).
     */
    record UnconfirmedSender(String sender, String state, int tasks, long recipients, int reminders) {}

    record RunView(String occurrence, String state, String createdAt, Figures figures, long dispatches, long dispatchesDone,
                   Delivery delivery, List<UnconfirmedSender> unconfirmedSenders) {}

    /** A task stopped by a step's cancel: its sender had not confirmed it. */
    record CancelledTask(String occurrence, String sender, long recipients) {}

    record Cancellation(String sopId, String stepId, List<CancelledTask> cancelled) {}

    record Report(String sopId, String stepId, Figures totals, Delivery delivery, int runCount, List<RunView> runs, Links links) {}

    /** Tracked links of the step (docs/sop.md, "Tracked links"): totals, per local day, per code. */
    record Links(long clicks, long uniqueVisitors, long botClicks, List<LinkDay> days, List<LinkCode> codes) {}

    record LinkDay(String day, long clicks, long uniqueVisitors, long botClicks) {}

    record LinkCode(String code, String url, String sender, long clicks, long uniqueVisitors, long botClicks) {}
}
