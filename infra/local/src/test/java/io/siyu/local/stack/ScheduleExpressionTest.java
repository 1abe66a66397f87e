package io.siyu.local.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** EventBridge's rate, cron and at expressions, in a time zone. */
class ScheduleExpressionTest {

    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    static ZonedDateTime at(String local) {
        return java.time.LocalDateTime.parse(local).atZone(SHANGHAI);
    }

    @ParameterizedTest(name = "{0} after {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "cron(0 9 * * ? *)          | 2026-11-23T08:59:00 | 2026-11-23T09:00",
            "cron(0 9 * * ? *)          | 2026-11-23T09:00:00 | 2026-11-24T09:00",
            "cron(0/15 * * * ? *)       | 2026-11-23T10:07:30 | 2026-11-23T10:15",
            "cron(0 10 ? * MON-FRI *)   | 2026-11-27T11:00:00 | 2026-11-30T10:00",
            "cron(0 0 L * ? *)          | 2026-02-03T00:00:00 | 2026-02-28T00:00",
            "cron(30 12 ? * 6#3 *)      | 2026-11-01T00:00:00 | 2026-11-20T12:30",
            "cron(0 18 ? * 2L *)        | 2026-11-01T00:00:00 | 2026-11-30T18:00",
            "cron(0 8 1 JAN,JUL ? 2027) | 2026-11-23T00:00:00 | 2027-01-01T08:00",
            "cron(5 1-3/2 * * ? *)      | 2026-11-23T01:06:00 | 2026-11-23T03:05",
            "rate(5 minutes)            | 2026-11-23T10:07:30 | 2026-11-23T10:12:30",
            "rate(1 day)                | 2026-11-23T10:07:30 | 2026-11-24T10:07:30",
            "at(2026-12-01T09:00:00)    | 2026-11-23T10:00:00 | 2026-12-01T09:00"})
    void nextFireTime(String expression, String after, String expected) {
        assertThat(ScheduleExpression.parse(expression).next(at(after))).hasValue(at(expected.length() == 16 ? expected + ":00" : expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"at(2026-12-01T09:00:00)", "cron(0 0 1 1 ? 1999)"})
    void aScheduleInThePastNeverFires(String expression) {
        assertThat(ScheduleExpression.parse(expression).next(at("2026-12-02T00:00:00"))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cron(0 9 * * *)", "cron(0 9 * * * *)", "cron(0 9 ? * ? *)", "cron(0 9 1W * ? *)",
            "cron(61 9 * * ? *)", "cron(0 9 * FOO ? *)", "rate(1 minutes)", "rate(2 minute)", "rate(0 minutes)",
            "every day", "at(tomorrow)"})
    void malformedExpressionsAreRefusedNotGuessed(String expression) {
        assertThatThrownBy(() -> ScheduleExpression.parse(expression)).isInstanceOf(IllegalArgumentException.class);
    }

    @Provide
    Arbitrary<String> crons() {
        return Arbitraries.of("cron(0/7 9-17 ? * MON-FRI *)", "cron(0 0 L * ? *)", "cron(15,45 */6 * * ? *)",
                "cron(0 12 ? * 1#2 *)", "cron(0 3 * * ? *)");
    }

    @Provide
    Arbitrary<Instant> instants() {
        return Arbitraries.longs().between(Instant.parse("2026-01-01T00:00:00Z").getEpochSecond(),
                Instant.parse("2029-12-31T00:00:00Z").getEpochSecond()).map(Instant::ofEpochSecond);
    }

    /** next() is the first matching minute after the given time, against an independent oracle, minute by minute. */
    @Property(tries = 40)
    void cronNextIsTheFirstMatchingMinuteAfter(@ForAll("crons") String expression, @ForAll("instants") Instant instant) {
        ZonedDateTime after = instant.atZone(SHANGHAI);
        ZonedDateTime next = ScheduleExpression.parse(expression).next(after).orElseThrow();

        assertThat(next).isAfter(after);
        assertThat(next.getSecond()).isZero();
        assertThat(matches(expression, next)).as("%s matches %s", next, expression).isTrue();
        for (ZonedDateTime t = after.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1); t.isBefore(next); t = t.plusMinutes(1)) {
            assertThat(matches(expression, t)).as("%s is skipped but matches %s", t, expression).isFalse();
        }
    }

    private static boolean matches(String expression, ZonedDateTime t) {
        return switch (expression) {
            case "cron(0/7 9-17 ? * MON-FRI *)" -> t.getMinute() % 7 == 0 && t.getHour() >= 9 && t.getHour() <= 17
                    && t.getDayOfWeek().getValue() <= 5;
            case "cron(0 0 L * ? *)" -> t.getMinute() == 0 && t.getHour() == 0 && t.getDayOfMonth() == t.toLocalDate().lengthOfMonth();
            case "cron(15,45 */6 * * ? *)" -> (t.getMinute() == 15 || t.getMinute() == 45) && t.getHour() % 6 == 0;
            case "cron(0 12 ? * 1#2 *)" -> t.getMinute() == 0 && t.getHour() == 12 && t.getDayOfWeek() == DayOfWeek.SUNDAY
                    && (t.getDayOfMonth() - 1) / 7 == 1;
            case "cron(0 3 * * ? *)" -> t.getMinute() == 0 && t.getHour() == 3;
            default -> throw new IllegalArgumentException(expression);
        };
    }
}
