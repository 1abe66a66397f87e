package io.siyu.functions.admin.sop;

import io.siyu.core.sop.DailyClaims;
import io.siyu.core.sop.DayCounters;
import io.siyu.core.links.LinkStore;
import io.siyu.core.sop.DeliveryCounters;
import io.siyu.core.sop.DeliveryStore;
import io.siyu.core.sop.Run;
import io.siyu.core.sop.RunCounters;
import io.siyu.core.sop.Sop;
import io.siyu.core.sop.SopStore;
import io.siyu.core.sop.SopTime;
import io.siyu.functions.admin.http.ApiException;
import io.siyu.functions.admin.http.ApiRequest;
import io.siyu.functions.admin.http.ApiResponse;
import io.siyu.functions.admin.http.Route;
import io.siyu.functions.admin.sop.SopJson.Capacity;
import io.siyu.functions.admin.sop.SopJson.CapacityDay;
import io.siyu.functions.admin.sop.SopJson.Cancellation;
import io.siyu.functions.admin.sop.SopJson.CancelledTask;
import io.siyu.functions.admin.sop.SopJson.Delivery;
import io.siyu.functions.admin.sop.SopJson.Figures;
import io.siyu.functions.admin.sop.SopJson.Report;
import io.siyu.functions.admin.sop.SopJson.RunView;
import io.siyu.functions.admin.sop.SopJson.SopBody;
import io.siyu.functions.admin.sop.SopJson.SopList;
import io.siyu.functions.admin.sop.SopJson.UnconfirmedSender;
import io.siyu.wecom.api.MassMessageApi;
import io.siyu.wecom.api.WeComException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * SOP messaging (群发SOP) for operators: define, list, change, pause and delete SOPs, and read a
 * step's figures. The planner and sender do the sending (docs/sop.md).
 */
public final class SopRoutes implements Route.Module {

    private static final Pattern SOP_ID = Pattern.compile("[0-9a-z]{1,40}");
    private static final Pattern STEP_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    private final String corpId;
    private final SopStore store;
    private final DeliveryStore deliveries;
    private final DailyClaims claims;
    private final LinkStore links;
    private final MassMessageApi wecom;
    private final SopRequests requests;
    private final Clock clock;
    private final Supplier<String> ids;

    /**
     * @param ids new SOP ids (lower-case letters and digits)
     */
    public SopRoutes(String corpId, SopStore store, DeliveryStore deliveries, DailyClaims claims, LinkStore links, MassMessageApi wecom,
                     Clock clock, Supplier<String> ids) {
        this.corpId = corpId;
        this.store = store;
        this.deliveries = deliveries;
        this.claims = claims;
        this.links = links;
        this.wecom = wecom;
        this.requests = new SopRequests();
        this.clock = clock;
        this.ids = ids;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                new Route("POST", "/admin/sops", this::create),
                new Route("GET", "/admin/sops", r -> ApiResponse.ok(new SopList(store.list(corpId).stream().map(SopRequests::view).toList()))),
                // before /admin/sops/{sopId}: SOP ids are random and never "capacity"
                new Route("GET", "/admin/sops/capacity", this::capacity),
                new Route("GET", "/admin/sops/{sopId}", r -> ApiResponse.ok(SopRequests.view(existing(r)))),
                new Route("PUT", "/admin/sops/{sopId}", this::replace),
                new Route("DELETE", "/admin/sops/{sopId}", this::delete),
                new Route("GET", "/admin/sops/{sopId}/steps/{stepId}/report", this::report),
                new Route("POST", "/admin/sops/{sopId}/steps/{stepId}/cancel", this::cancel));
    }

    private ApiResponse create(ApiRequest r) {
        SopBody body = r.body(SopBody.class);
        if (body.version() != null) {
            throw ApiException.invalid(java.util.Map.of("version", "is set by the server; send it only on PUT"));
        }
        Instant now = now();
        Sop sop = requests.toSop(corpId, ids.get(), body, 1, now, now);
        if (!store.create(sop)) {
            throw ApiException.conflict("an SOP with this id exists already; try again");
        }
        return ApiResponse.created(SopRequests.view(sop));
    }

    private ApiResponse replace(ApiRequest r) {
        Sop current = existing(r);
        SopBody body = r.body(SopBody.class);
        if (body.version() != null && body.version() != current.version()) {
            throw ApiException.conflict("the SOP changed since version " + body.version() + " (it is at " + current.version() + "); read it again");
        }
        Sop next = requests.toSop(corpId, current.sopId(), body, current.version() + 1, current.createdAt(), now());
        if (!store.replace(next, current.version())) {
            throw ApiException.conflict("the SOP changed meanwhile; read it again");
        }
        return ApiResponse.ok(SopRequests.view(next));
    }

    private ApiResponse delete(ApiRequest r) {
        String sopId = sopId(r);
        if (!store.delete(corpId, sopId)) {
            throw ApiException.notFound("SOP " + sopId);
        }
        return ApiResponse.noContent();
    }

    /** The step's runs; 404 for a step the SOP does not have and never ran. */
    private List<Run> stepRuns(Sop sop, String stepId) {
        List<Run> runs = STEP_ID.matcher(stepId).matches() ? store.runs(corpId, sop.sopId(), stepId, Integer.MAX_VALUE) : List.of();
        if (sop.step(stepId).isEmpty() && runs.isEmpty()) {
            throw ApiException.notFound("step " + stepId + " of SOP " + sop.sopId());
        }
        return runs;
    }

    /**
     * Cancels (cancel_groupmsg_send) every task of the step whose sender has not confirmed it and
     * that the delivery sync still follows; the sync then marks its open recipients CANCELLED.
     * A WeCom failure answers 502 after recording the tasks cancelled before it: cancelling
     * again continues with the rest.
     */
    private ApiResponse cancel(ApiRequest r) {
        Sop sop = existing(r);
        String stepId = r.pathParameter("stepId");
        List<Run> runs = stepRuns(sop, stepId);
        Instant now = now();
        List<CancelledTask> cancelled = new ArrayList<>();
        for (Run run : runs) {
            if (run.delivery().tasksClosed() >= run.counters().dispatchesDone()) {
                continue; // no task of this run is followed any more
            }
            for (DeliveryStore.SenderTask task : deliveries.tasks(run.id())) {
                if (!task.cancellable()) {
                    continue;
                }
                try {
                    wecom.cancel(task.msgId());
                } catch (WeComException e) {
                    if (e.errcode() != MassMessageApi.TASK_CANCELLED) {
                        throw e;
                    }
                }
                if (deliveries.cancelled(run.id(), task.dispatchKey(), now)) {
                    cancelled.add(new CancelledTask(run.id().occurrence(), task.sender(), task.recipients() - task.refused()));
                }
            }
        }
        if (cancelled.isEmpty()) {
            throw ApiException.conflict("step " + stepId + " of SOP " + sop.sopId() + " has no task waiting for its sender's confirmation "
                    + "(every task was confirmed, cancelled or its follow-up window ended): nothing to cancel");
        }
        return ApiResponse.ok(new Cancellation(sop.sopId(), stepId, cancelled));
    }

    private ApiResponse report(ApiRequest r) {
        Sop sop = existing(r);
        String stepId = r.pathParameter("stepId");
        List<Run> runs = stepRuns(sop, stepId);
        int limit = r.queryInt("limit", 50, 1, 500);
        RunCounters totals = runs.stream().map(Run::counters).reduce(RunCounters.ZERO, RunCounters::plus);
        DeliveryCounters deliveryTotals = runs.stream().map(Run::delivery).reduce(DeliveryCounters.ZERO, DeliveryCounters::plus);
        List<RunView> latest = runs.stream().sorted(Comparator.comparing((Run run) -> run.id().occurrence()).reversed()).limit(limit)
                .map(run -> new RunView(run.id().occurrence(), run.state(), run.createdAt() == null ? null : run.createdAt().toString(),
                        figures(run.counters()), run.counters().dispatches(), run.counters().dispatchesDone(),
                        delivery(run.counters(), run.delivery()), unconfirmedSenders(run)))
                .toList();
        return ApiResponse.ok(new Report(sop.sopId(), stepId, figures(totals), delivery(totals, deliveryTotals), runs.size(), latest,
                links(sop.sopId(), stepId)));
    }

    /** The step's tracked links: one Query of the Links table's ByStep index. */
    private SopJson.Links links(String sopId, String stepId) {
        LinkStore.StepLinks step = links.step(corpId, sopId, stepId);
        return new SopJson.Links(step.clicks(), step.uniqueVisitors(), step.botClicks(),
                step.days().stream().map(d -> new SopJson.LinkDay(d.day().toString(), d.clicks(), d.uniqueVisitors(), d.botClicks())).toList(),
                step.links().stream().map(l -> new SopJson.LinkCode(l.code(), l.url(), l.sender(), l.clicks(), l.uniqueVisitors(),
                        l.botClicks())).toList());
    }

    /** Days a capacity report may span. */
    static final int MAX_CAPACITY_DAYS = 92;

    /**
     * Per local day from {@code from} to {@code to} (inclusive, the corp's zone): planned sends
     * against the capacity of one mass message per recipient, and the collisions (deferred, skipped).
     */
    private ApiResponse capacity(ApiRequest r) {
        LocalDate from = date(r, "from");
        LocalDate to = date(r, "to");
        if (to.isBefore(from) || ChronoUnit.DAYS.between(from, to) >= MAX_CAPACITY_DAYS) {
            throw ApiException.invalid(Map.of("to", "must be on or after from, at most " + MAX_CAPACITY_DAYS + " days in all"));
        }
        Map<LocalDate, DayCounters> stored = new TreeMap<>();
        claims.days(corpId, from, to).forEach(d -> stored.put(d.day(), d.counters()));
        List<CapacityDay> days = new ArrayList<>();
        DayCounters total = DayCounters.ZERO;
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            DayCounters c = stored.getOrDefault(d, DayCounters.ZERO);
            days.add(capacityDay(d.toString(), c));
            total = total.plus(c);
        }
        return ApiResponse.ok(new Capacity(SopTime.ZONE.getId(), from.toString(), to.toString(), capacityDay(null, total), days));
    }

    private static CapacityDay capacityDay(String day, DayCounters c) {
        return new CapacityDay(day, c.planned(), c.deferredIn(), c.deferredOut(), c.skipped());
    }

    private static LocalDate date(ApiRequest r, String name) {
        String value = r.query(name);
        try {
            if (value == null) {
                throw new DateTimeParseException("missing", "", 0);
            }
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(Map.of(name, "is required: a local date, yyyy-MM-dd"));
        }
    }

    private static Delivery delivery(RunCounters c, DeliveryCounters d) {
        long known = d.sent() + d.skippedDailyLimit() + d.notFriend() + d.unconfirmed();
        return new Delivery(c.planned(), c.sent(), d.confirmed(), d.sent(), d.skippedDailyLimit(), d.notFriend(), d.unconfirmed(),
                d.cancelled(), c.sent() - known - d.cancelled(), d.tasksConfirmed(), d.tasksClosed(), d.tasksCancelled(), d.reminders());
    }

    /** Senders of the run who have not confirmed; read only for runs with a task not confirmed (the counters tell). */
    private List<UnconfirmedSender> unconfirmedSenders(Run run) {
        if (run.delivery().tasksConfirmed() >= run.counters().dispatchesDone()) {
            return List.of();
        }
        Map<String, UnconfirmedSender> bySender = new TreeMap<>();
        for (DeliveryStore.SenderTask task : deliveries.tasks(run.id())) {
            if (task.confirmed()) {
                continue;
            }
            String state = task.cancelledAt() != null ? "CANCELLED" : task.closing() == null ? "WAITING" : task.closing().name();
            bySender.merge(task.sender(), new UnconfirmedSender(task.sender(), state, 1, task.recipients() - task.refused(), task.reminders()),
                    (a, b) -> new UnconfirmedSender(a.sender(), a.state().equals("WAITING") ? a.state() : b.state(), a.tasks() + b.tasks(),
                            a.recipients() + b.recipients(), a.reminders() + b.reminders()));
        }
        return List.copyOf(bySender.values());
    }

    /** Stored times have millisecond precision: answer with what will be read back. */
    private Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    private static Figures figures(RunCounters c) {
        return new Figures(c.planned(), c.sent(), c.failed(), c.skipped() + c.skippedDailyLimitPlanned(), c.skippedLost(), c.skippedPending(),
                c.skippedRefused(), c.skippedDailyLimitPlanned(), c.deferred(), c.deferredWaiting(), c.inFlight());
    }

    private Sop existing(ApiRequest r) {
        String sopId = sopId(r);
        return store.get(corpId, sopId).orElseThrow(() -> ApiException.notFound("SOP " + sopId));
    }

    private static String sopId(ApiRequest r) {
        String sopId = r.pathParameter("sopId");
        if (!SOP_ID.matcher(sopId).matches()) {
            throw ApiException.notFound("SOP " + sopId.substring(0, Math.min(sopId.length(), 40)));
        }
        return sopId;
    }
}
