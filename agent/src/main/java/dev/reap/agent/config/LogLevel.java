package dev.reap.agent.config;

import java.util.Locale;

/** {@code reap.log}: how much the agent says on stderr. */
public enum LogLevel {
    OFF, ERROR, WARN, INFO, DEBUG;

    /** True when a message of {@code level} should be written under this threshold. */
    public boolean allows(LogLevel level) {
        return level != OFF && level.ordinal() <= ordinal();
    }

    static LogLevel parse(String text) {
        for (LogLevel l : values()) {
            if (l.name().toLowerCase(Locale.ROOT).equals(text.trim().toLowerCase(Locale.ROOT))) {
                return l;
            }
        }
        return null;
    }
}
