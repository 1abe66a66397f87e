package io.siyu.core.links;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/** Tracked links: the registry, the redirect's lookups and counters, and the step report's reads. */
public interface LinkStore extends LinkRegistry {

    /** The link of a well-formed code; empty when none is registered. */
    Optional<TrackedLink> find(String corpId, String code);

    /** A link, and whether the visitor asking for it was counted for its code today already. */
    record Found(TrackedLink link, boolean visitorSeen) {}

    /**
     * The link of a well-formed code and whether {@code visitorKey} ({@link Visitors#key}; null for
     * none) was counted already, so that a returning visitor's click is written without a
     * transaction the visitor marker refuses. This default does not know and says not seen:
     * {@link #count} finds out by the marker's condition.
     */
    default Optional<Found> find(String corpId, String code, String visitorKey) {
        return find(corpId, code).map(link -> new Found(link, false));
    }

    /**
     * One request for a link on a local day. {@code requestId} is the platform's id of the request
     * (API Gateway's {@code requestContext.requestId}): a request retried with the same id is
     * counted once. {@code visitorKey} is {@link Visitors#key} for a person with a cookie, null for
     * a bot (counted as {@code botClicks}, no visitor).
     */
    record Click(TrackedLink link, String requestId, LocalDate day, boolean bot, String visitorKey, Instant at) {}

    enum Counted {
        /** A click, and a visitor new to the code that day. */
        CLICK_NEW_VISITOR,
        /** A click by a visitor already counted for the code that day. */
        CLICK,
        /** A bot's request. */
        BOT,
        /** The same request id again: nothing counted. */
        DUPLICATE
    }

    Counted count(Click click);

    /** Counters of a code (or of a step, summed) on one local day. */
    record DayCounts(LocalDate day, long clicks, long uniqueVisitors, long botClicks) {
        public DayCounts plus(DayCounts o) {
            return new DayCounts(day, clicks + o.clicks, uniqueVisitors + o.uniqueVisitors, botClicks + o.botClicks);
        }
    }

    /** One code of a step: its URL, its sender, and its counters summed over days. */
    record LinkTotals(String code, String url, String sender, long clicks, long uniqueVisitors, long botClicks) {}

    /**
     * A step's links: per local day (summed over its codes; {@code uniqueVisitors} is the sum of
     * each code's distinct visitors that day) and per code, days oldest first.
     */
    record StepLinks(List<DayCounts> days, List<LinkTotals> links) {
        public long clicks() {
            return links.stream().mapToLong(LinkTotals::clicks).sum();
        }

        public long uniqueVisitors() {
            return links.stream().mapToLong(LinkTotals::uniqueVisitors).sum();
        }

        public long botClicks() {
            return links.stream().mapToLong(LinkTotals::botClicks).sum();
        }
    }

    StepLinks step(String corpId, String sopId, String stepId);
}
