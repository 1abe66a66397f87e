package io.siyu.core.sop;

import java.time.LocalDateTime;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * A five-field cron expression, {@code minute hour day-of-month month day-of-week}, evaluated on
 * local time: {@code *}, numbers, ranges {@code a-b}, lists {@code a,b}, steps {@code * /n},
 * {@code a-b/n} and {@code a/n}; month names JAN–DEC and day names SUN–SAT; day-of-week 0 and 7
 * are Sunday. As in classic cron, when both day fields are restricted a day matches either.
 * Example: {@code 0 18 * * FRI} is every Friday at 18:00.
 */
public final class Cron {

    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    private final String expression;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean dayOfMonthRestricted;
    private final boolean dayOfWeekRestricted;

    private Cron(String expression, String[] f) {
        this.expression = expression;
        minutes = field(f[0], 0, 59, null, "minute");
        hours = field(f[1], 0, 23, null, "hour");
        daysOfMonth = field(f[2], 1, 31, null, "day of month");
        months = field(f[3], 1, 12, MONTHS, "month");
        BitSet dow = field(f[4], 0, 7, DAYS, "day of week");
        if (dow.get(7)) {
            dow.set(0);
            dow.clear(7);
        }
        daysOfWeek = dow;
        dayOfMonthRestricted = !f[2].equals("*");
        dayOfWeekRestricted = !f[4].equals("*");
    }

    /** Parses an expression; an {@link IllegalArgumentException} says what is wrong with it. */
    public static Cron parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("is empty");
        }
        String[] f = expression.trim().toUpperCase(Locale.ROOT).split("\\s+");
        if (f.length != 5) {
            throw new IllegalArgumentException("needs 5 fields (minute hour day-of-month month day-of-week), not " + f.length);
        }
        return new Cron(expression.trim(), f);
    }

    /** Whether the local minute {@code t} (seconds ignored) is one the expression names. */
    public boolean matches(LocalDateTime t) {
        if (!minutes.get(t.getMinute()) || !hours.get(t.getHour()) || !months.get(t.getMonthValue())) {
            return false;
        }
        boolean dom = daysOfMonth.get(t.getDayOfMonth());
        boolean dow = daysOfWeek.get(t.getDayOfWeek().getValue() % 7);
        if (dayOfMonthRestricted && dayOfWeekRestricted) {
            return dom || dow;
        }
        return dom && dow;
    }

    public String expression() {
        return expression;
    }

    private static BitSet field(String text, int min, int max, List<String> names, String what) {
        BitSet bits = new BitSet(max + 1);
        for (String part : text.split(",", -1)) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException(what + ": empty list element");
            }
            int step = 1;
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                step = number(part.substring(slash + 1), 1, max, null, what + " step");
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else if (range.contains("-")) {
                String[] ends = range.split("-", -1);
                if (ends.length != 2) {
                    throw new IllegalArgumentException(what + ": bad range " + range);
                }
                from = number(ends[0], min, max, names, what);
                to = number(ends[1], min, max, names, what);
                if (from > to) {
                    throw new IllegalArgumentException(what + ": range " + range + " runs backwards");
                }
            } else {
                from = number(range, min, max, names, what);
                to = slash >= 0 ? max : from;
            }
            for (int v = from; v <= to; v += step) {
                bits.set(v);
            }
        }
        return bits;
    }

    private static int number(String text, int min, int max, List<String> names, String what) {
        if (names != null) {
            int i = names.indexOf(text);
            if (i >= 0) {
                return names == MONTHS ? i + 1 : i;
            }
        }
        try {
            int v = Integer.parseInt(text);
            if (v < min || v > max) {
                throw new IllegalArgumentException(what + ": " + v + " is outside " + min + "-" + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a number" + (names == null ? "" : " or a name"));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cron c && c.expression.equals(expression);
    }

    @Override
    public int hashCode() {
        return expression.hashCode();
    }

    @Override
    public String toString() {
        return expression;
    }
}
