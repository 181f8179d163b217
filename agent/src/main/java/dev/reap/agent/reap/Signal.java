package dev.reap.agent.reap;

import java.util.Locale;

/**
 * The signals a ladder may use: those whose default action ends a process. Numbers are Linux's;
 * elsewhere only TERM and KILL are sent (through {@link ProcessHandle}).
 */
public enum Signal {
    HUP(1), INT(2), QUIT(3), ABRT(6), KILL(9), USR1(10), USR2(12), PIPE(13), ALRM(14), TERM(15);

    private final int number;

    Signal(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    /** {@code SIGINT} */
    public String fullName() {
        return "SIG" + name();
    }

    /** Parses {@code INT}, {@code SIGINT}, {@code int} or {@code 2}; null when it is none of ours. */
    public static Signal parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.startsWith("SIG")) {
            t = t.substring(3);
        }
        for (Signal s : values()) {
            if (s.name().equals(t) || Integer.toString(s.number).equals(t)) {
                return s;
            }
        }
        return null;
    }

    /** For messages: {@code HUP, INT, QUIT, ...} */
    public static String acceptedNames() {
        StringBuilder sb = new StringBuilder();
        for (Signal s : values()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(s.name());
        }
        return sb.toString();
    }
}
