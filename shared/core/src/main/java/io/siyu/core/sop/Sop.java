package io.siyu.core.sop;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A standard operating procedure (SOP, 标准作业程序): an audience and the steps that reach it.
 * {@code version} grows with every change; runs snapshot the version they were planned from.
 * {@code priority} orders the SOPs whose steps fall due in the same planning minute (higher
 * first), which decides who claims a recipient's day first (docs/sop.md, "One mass message a day").
 */
public record Sop(String corpId, String sopId, String name, SopKind kind, SopStatus status, Audience audience,
                  List<Step> steps, long version, Instant createdAt, Instant updatedAt, int priority) {

    /** Priorities run from {@link #MIN_PRIORITY} to {@link #MAX_PRIORITY}; higher is planned first. */
    public static final int MIN_PRIORITY = 0;
    public static final int MAX_PRIORITY = 9;
    public static final int DEFAULT_PRIORITY = 5;

    public Sop {
        steps = List.copyOf(steps);
        if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("priority must be " + MIN_PRIORITY + "-" + MAX_PRIORITY + ": " + priority);
        }
    }

    /** An SOP of the default priority. */
    public Sop(String corpId, String sopId, String name, SopKind kind, SopStatus status, Audience audience, List<Step> steps, long version,
               Instant createdAt, Instant updatedAt) {
        this(corpId, sopId, name, kind, status, audience, steps, version, createdAt, updatedAt, DEFAULT_PRIORITY);
    }

    public Optional<Step> step(String stepId) {
        return steps.stream().filter(s -> s.stepId().equals(stepId)).findFirst();
    }
}
