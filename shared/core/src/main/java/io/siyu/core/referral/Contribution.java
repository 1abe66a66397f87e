package io.siyu.core.referral;

import java.time.LocalDate;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one invitee adds to its inviter's counters, derived from the invitee's whole log. The
 * counters move by the difference between the contribution derived now and the one stored with
 * the invitee, so a duplicate changes nothing and a late, earlier event moves only what it changes.
 *
 * @param count 1 while the invitee counts now (credited and still has a campaign relationship)
 * @param credited 1 once the invitee was ever credited to this inviter
 * @param losses times the invitee stopped counting (rollbacks, 完成度-1)
 * @param returns times it counted again after a loss
 * @param days the same events by local day (Asia/Shanghai)
 */
public record Contribution(long count, long credited, long losses, long returns, Map<LocalDate, DayCounts> days) {

    public static final Contribution NONE = new Contribution(0, 0, 0, 0, Map.of());

    public Contribution {
        TreeMap<LocalDate, DayCounts> nonZero = new TreeMap<>();
        days.forEach((d, c) -> {
            if (!c.isZero()) {
                nonZero.put(d, c);
            }
        });
        days = Collections.unmodifiableSortedMap(nonZero);
    }

    public Contribution plus(Contribution o) {
        TreeMap<LocalDate, DayCounts> sum = new TreeMap<>(days);
        o.days.forEach((d, c) -> sum.merge(d, c, DayCounts::plus));
        return new Contribution(count + o.count, credited + o.credited, losses + o.losses, returns + o.returns, sum);
    }

    public Contribution negate() {
        TreeMap<LocalDate, DayCounts> neg = new TreeMap<>();
        days.forEach((d, c) -> neg.put(d, c.negate()));
        return new Contribution(-count, -credited, -losses, -returns, neg);
    }

    public Contribution minus(Contribution o) {
        return plus(o.negate());
    }

    public boolean isZero() {
        return count == 0 && credited == 0 && losses == 0 && returns == 0 && days.isEmpty();
    }
}
