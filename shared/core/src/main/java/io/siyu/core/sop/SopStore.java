package io.siyu.core.sop;

import java.util.List;
import java.util.Optional;

/** SOP definitions and their runs (the SOP table). */
public interface SopStore {

    /** Stores a new SOP; false when one with its id exists already. */
    boolean create(Sop sop);

    Optional<Sop> get(String corpId, String sopId);

    /** Every SOP of the corp, oldest id first. */
    List<Sop> list(String corpId);

    /** Replaces an SOP if it is still at {@code expectedVersion}; false otherwise (gone, or changed meanwhile). */
    boolean replace(Sop sop, long expectedVersion);

    /** Deletes the definition (its runs and their figures stay); false when there was none. */
    boolean delete(String corpId, String sopId);

    /** The runs of one step, oldest first, at most {@code limit}. */
    List<Run> runs(String corpId, String sopId, String stepId, int limit);
}
