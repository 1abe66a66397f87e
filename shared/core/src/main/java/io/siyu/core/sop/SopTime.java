package io.siyu.core.sop;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

/**
 * Time as SOPs see it: the corp's time zone (Asia/Shanghai, the same zone as the Contacts
 * table's ByAddedDay index) and whole minutes.
 */
public final class SopTime {

    public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    private SopTime() {}

    public static Instant floorMinute(Instant t) {
        return t.truncatedTo(ChronoUnit.MINUTES);
    }

    public static LocalDateTime local(Instant t) {
        return LocalDateTime.ofInstant(t, ZONE);
    }

    public static LocalDate localDate(Instant t) {
        return local(t).toLocalDate();
    }

    public static Instant instant(LocalDateTime local) {
        return local.atZone(ZONE).toInstant();
    }

    public static Instant startOfDay(LocalDate day) {
        return day.atStartOfDay(ZONE).toInstant();
    }
}
