package io.siyu.core.sop;

import java.time.LocalDateTime;
import java.time.LocalTime;

/**
 * When a step fires. Broadcast steps: {@link At} or {@link Recurring}; journey steps:
 * {@link AfterAdd} or {@link DayAt}. Local times are in the corp's time zone ({@link SopTime#ZONE}),
 * at minute precision.
 */
public sealed interface Schedule {

    /** Once, at a local date and time. */
    record At(LocalDateTime at) implements Schedule {
        public At {
            at = at.withSecond(0).withNano(0);
        }
    }

    /** Every local minute the cron expression matches. */
    record Recurring(Cron cron) implements Schedule {}

    /** {@code minutes} after each customer was added (0: as soon as the add is recorded). */
    record AfterAdd(int minutes) implements Schedule {}

    /** On local day {@code day} after the add (0 = the day of the add) at local time {@code time}. */
    record DayAt(int day, LocalTime time) implements Schedule {
        public DayAt {
            time = time.withSecond(0).withNano(0);
        }
    }

    default boolean journey() {
        return this instanceof AfterAdd || this instanceof DayAt;
    }
}
