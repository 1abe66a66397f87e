package io.siyu.core.referral;

/** What happened to an inviter's invitees on one local day: new credits, losses (rollbacks) and returns. */
public record DayCounts(long credits, long losses, long returns) {

    public static final DayCounts ZERO = new DayCounts(0, 0, 0);

    public DayCounts plus(DayCounts o) {
        return new DayCounts(credits + o.credits, losses + o.losses, returns + o.returns);
    }

    public DayCounts negate() {
        return new DayCounts(-credits, -losses, -returns);
    }

    public boolean isZero() {
        return credits == 0 && losses == 0 && returns == 0;
    }
}
