package dev.reap.agent.config;

import dev.reap.agent.log.LogLevel;
import dev.reap.agent.reap.Signal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The values each {@link Key} accepts, parsed from text; a mistake's message says what is accepted. */
final class KeyValues {
    private KeyValues() {
    }

    /**
     * The value of {@code text} for {@code key}; a {@link ConfigException} saying what is accepted
     * when it is none.
     */
    static Object parse(Key key, String text) throws ConfigException {
        if (key == Key.GRACE) {
            Duration d = Durations.parse(text);
            if (d == null) {
                throw new ConfigException(Durations.ACCEPTED);
            }
            return d;
        }
        if (key == Key.SIGNALS) {
            return signals(text);
        }
        if (key == Key.EXCLUDE) {
            return pattern(text);
        }
        if (key == Key.LOG) {
            LogLevel level = LogLevel.parse(text);
            if (level == null) {
                throw new ConfigException("one of off, error, warn, info, debug");
            }
            return level;
        }
        if (key == Key.REPORT) {
            if (text.trim().isEmpty()) {
                throw new ConfigException("a file path; %p stands for the JVM's PID");
            }
            return text.trim();
        }
        if (key == Key.LEAKS) {
            return choice(text, Config.Leaks.values());
        }
        if (key == Key.SCOPE) {
            return choice(text, Config.Scope.values());
        }
        if (key == Key.CGROUP) {
            return choice(text, Config.Cgroup.values());
        }
        return bool(text);
    }

    private static List<Signal> signals(String text) throws ConfigException {
        ConfigException accepted = new ConfigException("a comma-separated list of signals ending in KILL, such as "
                + "INT,TERM,KILL (names " + Signal.acceptedNames() + ", or their numbers)");
        List<Signal> signals = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == ',' || text.charAt(i) == '+') {
                Signal s = Signal.parse(text.substring(start, i));
                if (s != null && signals.contains(s)) {
                    throw new ConfigException(accepted.getMessage() + "; " + s.name() + " is given twice: each rung is a different signal");
                }
                if (s == null) {
                    throw accepted;
                }
                signals.add(s);
                start = i + 1;
            }
        }
        if (signals.get(signals.size() - 1) != Signal.KILL) {
            throw accepted;
        }
        return List.copyOf(signals);
    }

    private static Boolean bool(String text) throws ConfigException {
        String v = text.trim().toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("yes") || v.equals("on") || v.equals("1")) {
            return Boolean.TRUE;
        }
        if (v.equals("false") || v.equals("no") || v.equals("off") || v.equals("0")) {
            return Boolean.FALSE;
        }
        throw new ConfigException("true or false (also yes or no, on or off, 1 or 0)");
    }

    private static Pattern pattern(String text) throws ConfigException {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw new ConfigException("a Java regular expression (" + e.getDescription() + " near index " + e.getIndex() + ")");
        }
    }

    /**
     * One of an enum's {@code constants}. Takes them, not the class (getEnumConstants() is
     * reflection), typed {@code Object[]}: the verifier then need not load the enum to check them.
     */
    private static Object choice(String text, Object[] constants) throws ConfigException {
        StringBuilder accepted = new StringBuilder("one of ");
        for (Object constant : constants) {
            Enum<?> e = (Enum<?>) constant;
            if (e.name().equalsIgnoreCase(text.trim())) {
                return e;
            }
            accepted.append(e.ordinal() > 0 ? ", " : "").append(e.name().toLowerCase(Locale.ROOT));
        }
        throw new ConfigException(accepted.toString());
    }
}
