package io.siyu.functions.referral;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.siyu.lambda.Observability;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EventBridge Scheduler target (every minute): runs one sweep of the referral worklist. The
 * schedule's input carries nothing the sweep needs; it stops early enough to finish within the
 * function's timeout, and what it leaves is still on the worklist for the next run.
 */
public final class ReferralSweepHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ReferralSweepHandler.class);
    /** Stop taking new work with this much of the timeout left. */
    static final int RESERVE_MILLIS = 10_000;

    private final ReferralSweep sweep;

    public ReferralSweepHandler() {
        this(ReferralSweepConfig.fromEnvironment().sweep());
    }

    ReferralSweepHandler(ReferralSweep sweep) {
        this.sweep = sweep;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) {
        Observability.handle(context, () -> {
            ReferralSweep.Result r = sweep.run(() -> context.getRemainingTimeInMillis() > RESERVE_MILLIS);
            LOG.info("referral sweep: evaluated={} confirmed={} published={} publishFailures={} stale={}", r.evaluated(),
                    r.confirmed(), r.published(), r.publishFailures(), r.stale());
            Observability.count("ReferralInvitersEvaluated", r.evaluated());
            Observability.count("ReferralTasksCompleted", r.confirmed());
            Observability.count("ReferralPublishFailures", r.publishFailures());
            return null;
        });
    }
}
