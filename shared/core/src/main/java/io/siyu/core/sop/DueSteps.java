package io.siyu.core.sop;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which steps of an SOP fall due at one planning minute, and where each occurrence reads its
 * recipients. A pure function of (SOP, minute): planning a minute twice names the same runs and
 * chains, which is what lets the planner be repeated or run concurrently without planning
 * anything twice.
 *
 * <p>Broadcast steps fire at the minute they name. Journey steps fire for the relationships whose
 * step time falls in the minute {@code settle} earlier, so that a contact recorded a little after
 * its add event is still found (and the ByAddedDay index, eventually consistent, has caught up).
 */
public final class DueSteps {

    /** One occurrence of a step and its sources. */
    public record Due(Step step, RunId run, List<ChainSource> sources) {}

    private DueSteps() {}

    public static List<Due> at(Sop sop, Instant planningMinute, Duration settle) {
        Instant minute = SopTime.floorMinute(planningMinute);
        List<Due> out = new ArrayList<>();
        for (Step step : sop.steps()) {
            if (step.schedule() instanceof Schedule.At at && at.at().equals(SopTime.local(minute))
                    || step.schedule() instanceof Schedule.Recurring r && r.cron().matches(SopTime.local(minute))) {
                out.add(new Due(step, run(sop, step, SopTime.local(minute).toString()), broadcastSources(sop, step)));
            } else if (step.schedule().journey()) {
                Instant bucket = minute.minus(settle);
                ChainSource.Added source = journeySource(step.schedule(), bucket);
                if (source != null) {
                    out.add(new Due(step, run(sop, step, SopTime.localDate(bucket).toString()), List.of(source)));
                }
            }
        }
        return out;
    }

    /** The relationships whose journey step fires in the minute starting at {@code bucket}, or null. */
    static ChainSource.Added journeySource(Schedule schedule, Instant bucket) {
        if (schedule instanceof Schedule.AfterAdd after) {
            Instant from = bucket.minus(Duration.ofMinutes(after.minutes()));
            return new ChainSource.Added(bucket, SopTime.localDate(from), from, from.plus(Duration.ofMinutes(1)));
        }
        if (schedule instanceof Schedule.DayAt dayAt) {
            LocalDateTime local = SopTime.local(bucket);
            if (!local.toLocalTime().equals(dayAt.time())) {
                return null;
            }
            LocalDate addedDay = local.toLocalDate().minusDays(dayAt.day());
            Instant from = SopTime.startOfDay(addedDay);
            Instant endOfDay = SopTime.startOfDay(addedDay.plusDays(1));
            // A step whose time comes before the customer was added (day 0, an add after the time) does not apply.
            Instant to = endOfDay.isBefore(bucket) ? endOfDay : bucket;
            return from.isBefore(to) ? new ChainSource.Added(bucket, addedDay, from, to) : null;
        }
        return null;
    }

    private static List<ChainSource> broadcastSources(Sop sop, Step step) {
        Set<ChainSource> sources = new LinkedHashSet<>();
        if (step.chatType() == ChatType.GROUP) {
            sop.audience().groupChats().forEach(g -> sources.add(new ChainSource.Groups(g.sender())));
        } else {
            sop.audience().senders().forEach(s -> sources.add(new ChainSource.Staff(s)));
        }
        return List.copyOf(sources);
    }

    private static RunId run(Sop sop, Step step, String occurrence) {
        return new RunId(sop.corpId(), sop.sopId(), step.stepId(), occurrence);
    }
}
