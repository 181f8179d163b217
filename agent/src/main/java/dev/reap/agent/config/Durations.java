package dev.reap.agent.config;

import java.math.BigDecimal;
import java.time.Duration;

/** Parses and prints durations as users write them: {@code 3s}, {@code 250ms}, {@code 1.5s}, {@code 2m}, {@code 3}. */
public final class Durations {
    public static final String ACCEPTED =
            "a duration such as 3s, 250ms, 1.5s, 2m, or a number of seconds (at most 1h)";

    private static final Duration MAX = Duration.ofHours(1);

    private Durations() {
    }

    /** @return the duration, or null when the text is not one */
    public static Duration parse(String text) {
        String t = text.trim();
        long unitMillis;
        String number;
        if (t.endsWith("ms")) {
            unitMillis = 1;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            unitMillis = 1_000;
            number = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            unitMillis = 60_000;
            number = t.substring(0, t.length() - 1);
        } else {
            unitMillis = 1_000;
            number = t;
        }
        if (!isPlainNumber(number)) {
            return null;
        }
        BigDecimal millis = new BigDecimal(number).multiply(BigDecimal.valueOf(unitMillis));
        if (millis.compareTo(BigDecimal.valueOf(MAX.toMillis())) > 0) {
            return null;
        }
        return Duration.ofNanos(millis.movePointRight(6).longValue());
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
        if (millis % 1_000 == 0) {
            return (millis / 1_000) + "s";
        }
        return BigDecimal.valueOf(millis).movePointLeft(3).stripTrailingZeros().toPlainString() + "s";
    }
}
