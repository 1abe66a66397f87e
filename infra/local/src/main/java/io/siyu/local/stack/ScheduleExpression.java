package io.siyu.local.stack;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EventBridge schedule expressions: {@code rate(5 minutes)}, {@code cron(0 9 * * ? *)} and
 * EventBridge Scheduler's one-time {@code at(2026-12-01T09:00:00)}, evaluated in a time zone
 * (ScheduleExpressionTimezone; UTC for EventBridge rule schedules).
 *
 * <p>Cron has six fields: minutes, hours, day of month, month, day of week, year. Day of week
 * counts 1 = SUN .. 7 = SAT; one of day-of-month and day-of-week is {@code ?}. Supported: numbers,
 * names (JAN, MON), {@code *}, ranges, lists, steps ({@code 0/15}, {@code 1-5/2}), {@code L} (last
 * day of the month), {@code nL} (last weekday n of the month) and {@code n#k} (k-th weekday n).
 * {@code W} (nearest weekday) is refused rather than guessed.
 */
public sealed interface ScheduleExpression {

    /** The first fire time strictly after {@code after}, if any. */
    Optional<ZonedDateTime> next(ZonedDateTime after);

    /** The expression as written. */
    String text();

    Pattern RATE = Pattern.compile("rate\\((\\d+)\\s+(minute|minutes|hour|hours|day|days)\\)");
    Pattern CRON = Pattern.compile("cron\\((.+)\\)");
    Pattern AT = Pattern.compile("at\\((\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2})\\)");

    static ScheduleExpression parse(String text) {
        String t = text.strip();
        Matcher m = RATE.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            if (n < 1) {
                throw new IllegalArgumentException("rate must be positive: " + text);
            }
            Duration period = switch (m.group(2)) {
                case "minute", "minutes" -> Duration.ofMinutes(n);
                case "hour", "hours" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            if (n == 1 && m.group(2).endsWith("s") || n > 1 && !m.group(2).endsWith("s")) {
                throw new IllegalArgumentException("EventBridge wants 'rate(1 minute)' but 'rate(2 minutes)': " + text);
            }
            return new Rate(t, period);
        }
        m = CRON.matcher(t);
        if (m.matches()) {
            return Cron.parse(t, m.group(1));
        }
        m = AT.matcher(t);
        if (m.matches()) {
            return new At(t, LocalDateTime.parse(m.group(1)));
        }
        throw new IllegalArgumentException("not a schedule expression (rate, cron or at): " + text);
    }

    /**
     * Every {@code period}, counted from when the schedule starts (EventBridge starts counting
     * when the rule or schedule is created).
     */
    record Rate(String text, Duration period) implements ScheduleExpression {
        @Override
        public Optional<ZonedDateTime> next(ZonedDateTime after) {
            return Optional.of(after.plus(period));
        }
    }

    /** Once, at a local date and time in the schedule's zone. */
    record At(String text, LocalDateTime when) implements ScheduleExpression {
        @Override
        public Optional<ZonedDateTime> next(ZonedDateTime after) {
            ZonedDateTime at = when.atZone(after.getZone());
            return at.isAfter(after) ? Optional.of(at) : Optional.empty();
        }
    }

    /** A six-field AWS cron expression. */
    record Cron(String text, BitSet minutes, BitSet hours, DayRule days, BitSet months, BitSet years)
            implements ScheduleExpression {

        private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
                "OCT", "NOV", "DEC");
        private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

        static Cron parse(String text, String body) {
            String[] f = body.strip().split("\\s+");
            if (f.length != 6) {
                throw new IllegalArgumentException("cron needs 6 fields (minutes hours day-of-month month day-of-week year): " + text);
            }
            String dom = f[2];
            String dow = f[4];
            if (dom.equals("?") == dow.equals("?")) {
                throw new IllegalArgumentException("cron: exactly one of day-of-month and day-of-week must be '?': " + text);
            }
            DayRule days = dom.equals("?") ? DayRule.ofWeek(dow.toUpperCase(Locale.ROOT), text) : DayRule.ofMonth(dom.toUpperCase(Locale.ROOT), text);
            return new Cron(text, field(f[0], 0, 59, List.of(), text), field(f[1], 0, 23, List.of(), text), days,
                    field(f[3].toUpperCase(Locale.ROOT), 1, 12, MONTHS, text), field(f[5], 1970, 2199, List.of(), text));
        }

        @Override
        public Optional<ZonedDateTime> next(ZonedDateTime after) {
            ZoneId zone = after.getZone();
            LocalDateTime from = after.toLocalDateTime().truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
            LocalDate day = from.toLocalDate();
            for (int i = 0; i < 366 * 30 && day.getYear() <= 2199; i++, day = day.plusDays(1)) {
                if (!years.get(day.getYear()) || !months.get(day.getMonthValue()) || !days.matches(day)) {
                    continue;
                }
                for (int h = hours.nextSetBit(0); h >= 0; h = hours.nextSetBit(h + 1)) {
                    for (int min = minutes.nextSetBit(0); min >= 0; min = minutes.nextSetBit(min + 1)) {
                        LocalDateTime candidate = day.atTime(h, min);
                        if (candidate.isBefore(from)) {
                            continue;
                        }
                        ZonedDateTime z = candidate.atZone(zone);
                        // A local time skipped by a daylight-saving gap does not fire (zone moved it).
                        if (z.toLocalDateTime().equals(candidate) && z.isAfter(after)) {
                            return Optional.of(z);
                        }
                    }
                }
            }
            return Optional.empty();
        }

        static BitSet field(String spec, int min, int max, List<String> names, String text) {
            BitSet bits = new BitSet(max + 1);
            for (String part : spec.split(",")) {
                int step = 1;
                String range = part;
                int slash = part.indexOf('/');
                if (slash >= 0) {
                    step = Integer.parseInt(part.substring(slash + 1));
                    range = part.substring(0, slash);
                    if (step < 1) {
                        throw new IllegalArgumentException("cron step must be positive: " + text);
                    }
                }
                int from;
                int to;
                if (range.equals("*")) {
                    from = min;
                    to = max;
                } else if (range.contains("-")) {
                    String[] ends = range.split("-", 2);
                    from = value(ends[0], min, max, names, text);
                    to = value(ends[1], min, max, names, text);
                } else {
                    from = value(range, min, max, names, text);
                    to = slash >= 0 ? max : from;
                }
                if (from > to) {
                    throw new IllegalArgumentException("cron range runs backwards in " + part + ": " + text);
                }
                for (int v = from; v <= to; v += step) {
                    bits.set(v);
                }
            }
            return bits;
        }

        static int value(String s, int min, int max, List<String> names, String text) {
            int index = names.indexOf(s);
            int v;
            if (index >= 0) {
                v = index + min;
            } else {
                try {
                    v = Integer.parseInt(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("cron value '" + s + "' is not understood: " + text);
                }
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException("cron value " + v + " is outside " + min + "-" + max + ": " + text);
            }
            return v;
        }

        /** The day-of-month or day-of-week part. */
        @FunctionalInterface
        interface DayRule {
            boolean matches(LocalDate day);

            static DayRule ofMonth(String spec, String text) {
                if (spec.contains("W")) {
                    throw new IllegalArgumentException("cron 'W' (nearest weekday) is not supported locally: " + text);
                }
                if (spec.equals("L")) {
                    return d -> d.getDayOfMonth() == d.lengthOfMonth();
                }
                BitSet bits = field(spec, 1, 31, List.of(), text);
                return d -> bits.get(d.getDayOfMonth());
            }

            static DayRule ofWeek(String spec, String text) {
                if (spec.contains("#")) {
                    String[] p = spec.split("#");
                    int dow = value(p[0], 1, 7, DAYS, text);
                    int nth = Integer.parseInt(p[1]);
                    return d -> awsDay(d.getDayOfWeek()) == dow && (d.getDayOfMonth() - 1) / 7 + 1 == nth;
                }
                if (spec.endsWith("L") && spec.length() > 1) {
                    int dow = value(spec.substring(0, spec.length() - 1), 1, 7, DAYS, text);
                    return d -> awsDay(d.getDayOfWeek()) == dow
                            && d.equals(d.with(TemporalAdjusters.lastInMonth(d.getDayOfWeek())));
                }
                BitSet bits = field(spec, 1, 7, DAYS, text);
                return d -> bits.get(awsDay(d.getDayOfWeek()));
            }

            /** AWS numbers days 1 = SUN .. 7 = SAT. */
            private static int awsDay(DayOfWeek d) {
                return d.getValue() % 7 + 1;
            }
        }
    }
}
