package io.siyu.core.sop;

import java.util.Collection;
import java.util.Map;

/** The customers' RFM segment and lifecycle stage, as the RFM capability keeps them (docs/rfm.md). */
public interface CustomerSegments {

    /** Names as in {@code io.siyu.core.rfm.Segment} and {@code LifecycleStage}. */
    record Segment(String rfmSegment, String lifecycleStage) {}

    /** The segments of those of {@code externalUserIds} that have one (a paid order). */
    Map<String, Segment> segments(String corpId, Collection<String> externalUserIds);
}
