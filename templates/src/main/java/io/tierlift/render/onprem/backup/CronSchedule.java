package io.tierlift.render.onprem.backup;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cron form of a backup schedule, for hosts that run no systemd: the descriptor speaks systemd's
 * calendar events (one language on every host), and the events a backup schedule uses — a time of day on
 * some weekdays, or systemd's shorthands — have an exact cron equivalent. Anything richer (dates, ranges
 * of days of the month, several times in one event) has none here and is said so, not guessed.
 */
public final class CronSchedule {
    /** The forms {@link #of} understands, for the message that names what a host without systemd accepts. */
    public static final String FORMS = "minutely, hourly, daily, weekly, monthly, or [weekdays] *-*-* HH:MM[:00] "
            + "(weekdays such as Sun, Mon..Sat or Mon,Wed,Fri; the minute may be *)";

    private static final Map<String, String> SHORTHANDS = Map.of(
            "minutely", "* * * * *",
            "hourly", "0 * * * *",
            "daily", "0 0 * * *",
            "weekly", "0 0 * * 1",
            "monthly", "0 0 1 * *");
    private static final List<String> DAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");
    private static final Pattern EVENT = Pattern.compile(
            "(?:(?<days>[A-Za-z.,]+)\\s+)?\\*-\\*-\\*\\s+(?<hour>\\*|[0-9]{1,2}):(?<minute>\\*|[0-9]{1,2})(?::(?<second>00?))?");

    private CronSchedule() {
    }

    /** The five cron fields (minute hour day-of-month month day-of-week) of a systemd calendar event, if it has one. */
    public static Optional<String> of(String onCalendar) {
        String event = onCalendar.strip();
        String shorthand = SHORTHANDS.get(event.toLowerCase(Locale.ROOT));
        if (shorthand != null) {
            return Optional.of(shorthand);
        }
        Matcher m = EVENT.matcher(event);
        if (!m.matches()) {
            return Optional.empty();
        }
        Optional<String> hour = field(m.group("hour"), 23);
        Optional<String> minute = field(m.group("minute"), 59);
        Optional<String> days = m.group("days") == null ? Optional.of("*") : weekdays(m.group("days"));
        if (hour.isEmpty() || minute.isEmpty() || days.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(minute.get() + " " + hour.get() + " * * " + days.get());
    }

    private static Optional<String> field(String value, int max) {
        if (value.equals("*")) {
            return Optional.of("*");
        }
        int number = Integer.parseInt(value);
        return number <= max ? Optional.of(Integer.toString(number)) : Optional.empty();
    }

    /** {@code Mon..Fri,Sun} → {@code 1-5,0}; cron numbers days from Sunday = 0 as systemd names them. */
    private static Optional<String> weekdays(String text) {
        List<String> parts = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            String[] range = item.split("\\.\\.", -1);
            if (range.length > 2) {
                return Optional.empty();
            }
            List<Integer> ends = new ArrayList<>();
            for (String day : range) {
                int index = day.length() >= 3 ? DAYS.indexOf(day.substring(0, 3).toLowerCase(Locale.ROOT)) : -1;
                if (index < 0 || !fullNameOf(day, index)) {
                    return Optional.empty();
                }
                ends.add(index);
            }
            if (ends.size() == 2 && ends.get(0) > ends.get(1)) {
                return Optional.empty();
            }
            parts.add(ends.size() == 1 ? ends.get(0).toString() : ends.get(0) + "-" + ends.get(1));
        }
        return Optional.of(String.join(",", parts));
    }

    /** systemd takes {@code Mon} and {@code Monday}, nothing in between. */
    private static boolean fullNameOf(String day, int index) {
        String[] full = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
        String lower = day.toLowerCase(Locale.ROOT);
        return lower.length() == 3 || lower.equals(full[index]);
    }
}
