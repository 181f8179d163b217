package dev.reap.agent.log;

/** {@code reap.log}: how much the agent says on stderr. */
public enum LogLevel {
    OFF, ERROR, WARN, INFO, DEBUG;

    /** True when a message of {@code level} should be written under this threshold. */
    public boolean allows(LogLevel level) {
        return level != OFF && level.ordinal() <= ordinal();
    }

    /** The level named {@code text} (any case), or null. */
    public static LogLevel parse(String text) {
        for (LogLevel l : values()) {
            if (l.name().equalsIgnoreCase(text.trim())) {
                return l;
            }
        }
        return null;
    }
}
