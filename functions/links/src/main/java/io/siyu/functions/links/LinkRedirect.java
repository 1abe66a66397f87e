package io.siyu.functions.links;

import io.siyu.core.links.HttpUrls;
import io.siyu.core.links.LinkCodes;
import io.siyu.core.links.LinkStore;
import io.siyu.core.links.LinkStore.Click;
import io.siyu.core.links.LinkStore.Counted;
import io.siyu.core.links.TrackedLink;
import io.siyu.core.links.UserAgents;
import io.siyu.core.links.Visitors;
import io.siyu.core.sop.SopTime;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code GET /l/{code}} does, without Lambda types: a well-formed, registered code redirects
 * to its stored URL and is counted; anything else is not found and counts nothing. Counting never
 * stands in the way of the redirect: a failure is logged and reported, and the visitor is still sent on.
 */
final class LinkRedirect {

    private static final Logger LOG = LoggerFactory.getLogger(LinkRedirect.class);

    /** {@code location} null: not found. {@code newVisitor}: a cookie to set. {@code counted} null: not counted (failed). */
    record Result(String location, String newVisitor, Counted counted) {
        static final Result NOT_FOUND = new Result(null, null, null);

        boolean found() {
            return location != null;
        }
    }

    /** Reports counting failures (a metric in the function). */
    interface Failures {
        void countFailed(RuntimeException e);
    }

    private final String corpId;
    private final LinkStore links;
    private final Failures failures;

    LinkRedirect(String corpId, LinkStore links, Failures failures) {
        this.corpId = corpId;
        this.links = links;
        this.failures = failures;
    }

    /**
     * @param visitor the request's {@code siyu_v} cookie (null when absent)
     * @param requestId the platform's request id (a retry carries the same)
     */
    Result visit(String code, String userAgent, String visitor, String requestId, Instant at) {
        if (!LinkCodes.isWellFormed(code)) {
            return Result.NOT_FOUND;
        }
        boolean bot = UserAgents.isBot(userAgent);
        String newVisitor = null;
        String visitorId = null;
        if (!bot) {
            if (Visitors.isWellFormed(visitor)) {
                visitorId = visitor;
            } else {
                newVisitor = Visitors.newId();
                visitorId = newVisitor;
            }
        }
        LocalDate day = SopTime.localDate(at);
        // A cookie the request brought may have been counted today: asked in the same read as the link.
        String visitorKey = visitorId == null ? null : Visitors.key(code, visitorId, day);
        Optional<LinkStore.Found> found = links.find(corpId, code, newVisitor == null ? visitorKey : null);
        if (found.isEmpty() || !HttpUrls.isHttpUrl(found.get().link().url())) {
            return Result.NOT_FOUND;
        }
        TrackedLink link = found.get().link();
        Counted counted = null;
        if (requestId == null || requestId.isBlank()) {
            LOG.warn("link {}: request without a request id, not counted", code);
        } else {
            try {
                // A visitor counted already is a click without a visitor marker to write.
                boolean seen = found.get().visitorSeen();
                counted = links.count(new Click(link, requestId, day, bot, seen ? null : visitorKey, at));
            } catch (RuntimeException e) {
                LOG.error("link {}: counting failed; redirecting anyway", code, e);
                failures.countFailed(e);
            }
        }
        return new Result(link.url(), newVisitor, counted);
    }
}
