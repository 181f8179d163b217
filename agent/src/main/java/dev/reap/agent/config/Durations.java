package dev.reap.agent.config;

import java.time.Duration;

/** Parses and prints durations as users write them: {@code 3s}, {@code 250ms}, {@code 1.5s}, {@code 2m}, {@code 3}. */
public final class Durations {
    public static final String ACCEPTED =
            "a duration such as 3s, 250ms, 1.5s, 2m, 1h, or a number of seconds (at most 1h)";

    private static final Duration MAX = Duration.ofHours(1);

    private Durations() {
    }

    /** @return the duration, or null when the text is not one */
    public static Duration parse(String text) {
        String t = text.trim();
        long unitNanos;
        String number;
        if (t.endsWith("ms")) {
            unitNanos = 1_000_000L;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            unitNanos = 1_000_000_000L;
            number = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            unitNanos = 60_000_000_000L;
            number = t.substring(0, t.length() - 1);
        } else if (t.endsWith("h")) {
            unitNanos = 3_600_000_000_000L;
            number = t.substring(0, t.length() - 1);
        } else {
            unitNanos = 1_000_000_000L;
            number = t;
        }
        if (!isPlainNumber(number)) {
            return null;
        }
        int dot = number.indexOf('.');
        String whole = dot < 0 ? number : number.substring(0, dot);
        if (whole.length() > 7) {
            return null;
        }
        long nanos = Long.parseLong(whole) * unitNanos;
        long scale = unitNanos;
        for (int i = dot + 1; dot >= 0 && i < number.length(); i++) {
            scale /= 10;
            nanos += (number.charAt(i) - '0') * scale;
        }
        return nanos > MAX.toNanos() ? null : Duration.ofNanos(nanos);
    }

    private static boolean isPlainNumber(String s) {
        if (s.isEmpty()) {
            return false;
        }
        int dots = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (++dots > 1 || i == 0 || i == s.length() - 1) {
                    return false;
                }
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Short human form: {@code 3s}, {@code 250ms}, {@code 1.5s}. */
    public static String format(Duration d) {
        long millis = d.toMillis();
        if (millis < 1_000) {
            return millis + "ms";
        }
        StringBuilder text = new StringBuilder().append(millis / 1_000);
        long fraction = millis % 1_000;
        if (fraction != 0) {
            String digits = Long.toString(1_000 + fraction).substring(1);
            int end = digits.length();
            while (digits.charAt(end - 1) == '0') {
                end--;
            }
            text.append('.').append(digits, 0, end);
        }
        return text.append('s').toString();
    }
}
