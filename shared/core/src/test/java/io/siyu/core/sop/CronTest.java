package io.siyu.core.sop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CronTest {

    @Test
    void everyFridayAt18() {
        Cron c = Cron.parse("0 18 * * FRI");
        assertThat(c.matches(LocalDateTime.parse("2026-03-06T18:00"))).as("a Friday").isTrue();
        assertThat(c.matches(LocalDateTime.parse("2026-03-06T18:01"))).isFalse();
        assertThat(c.matches(LocalDateTime.parse("2026-03-07T18:00"))).as("a Saturday").isFalse();
    }

    @Test
    void listsRangesStepsAndNames() {
        Cron c = Cron.parse("*/15 9-17/4 1,15 JAN-MAR *");
        assertThat(c.matches(LocalDateTime.parse("2026-01-15T13:45"))).isTrue();
        assertThat(c.matches(LocalDateTime.parse("2026-01-15T14:45"))).as("hours 9, 13, 17").isFalse();
        assertThat(c.matches(LocalDateTime.parse("2026-04-01T09:00"))).as("April").isFalse();
        assertThat(Cron.parse("30 8 * * 0").matches(LocalDateTime.parse("2026-03-08T08:30"))).as("0 is Sunday").isTrue();
        assertThat(Cron.parse("30 8 * * 7").matches(LocalDateTime.parse("2026-03-08T08:30"))).as("7 is Sunday").isTrue();
        assertThat(Cron.parse("5/20 * * * *").matches(LocalDateTime.parse("2026-03-08T08:45"))).isTrue();
    }

    @Test
    void bothDayFieldsRestrictedMeansEither() {
        Cron c = Cron.parse("0 10 1 * MON");
        assertThat(c.matches(LocalDateTime.parse("2026-04-01T10:00"))).as("the 1st, a Wednesday").isTrue();
        assertThat(c.matches(LocalDateTime.parse("2026-03-09T10:00"))).as("a Monday, the 9th").isTrue();
        assertThat(c.matches(LocalDateTime.parse("2026-03-10T10:00"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "* * * *", "* * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8",
            "a * * * *", "5-1 * * * *", "*/0 * * * *", "1,,2 * * * *", "* * * FOO *", "1-2-3 * * * *"})
    void malformedExpressionsAreRefused(String expression) {
        assertThatThrownBy(() -> Cron.parse(expression)).isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void aSingleMinuteAndHourMatchExactlyThatTimeEveryDay(@ForAll @IntRange(max = 59) int minute, @ForAll @IntRange(max = 23) int hour,
                                                          @ForAll @IntRange(max = 59) int otherMinute, @ForAll @IntRange(max = 400) int dayOffset) {
        Cron c = Cron.parse(minute + " " + hour + " * * *");
        LocalDateTime day = LocalDateTime.parse("2026-01-01T00:00").plusDays(dayOffset);
        assertThat(c.matches(day.withHour(hour).withMinute(minute))).isTrue();
        assertThat(c.matches(day.withHour(hour).withMinute(otherMinute))).isEqualTo(otherMinute == minute);
    }

    @Property
    void aDayOfWeekMatchesOnlyThatWeekday(@ForAll @IntRange(max = 6) int dow, @ForAll @IntRange(max = 400) int dayOffset) {
        LocalDateTime t = LocalDateTime.parse("2026-01-01T12:00").plusDays(dayOffset);
        boolean sameDay = t.getDayOfWeek() == (dow == 0 ? DayOfWeek.SUNDAY : DayOfWeek.of(dow));
        assertThat(Cron.parse("0 12 * * " + dow).matches(t)).isEqualTo(sameDay);
    }
}
