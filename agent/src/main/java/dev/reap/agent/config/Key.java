package dev.reap.agent.config;

import java.util.Locale;

/** The configuration keys of DESIGN.md, each with its default and the moment it acts. */
public enum Key {
    GRACE("grace", "3s", true),
    SIGNALS("signals", "INT,TERM,KILL", true),
    ENABLED("enabled", "true", false),
    WATCHDOG("watchdog", "true", false),
    SWEEP("sweep", "true", false),
    EXCLUDE("exclude", null, true),
    LOG("log", "info", false),
    REPORT("report", null, true),
    STACKS("stacks", "true", false),
    LEAKS("leaks", "warn", false),
    SCOPE("scope", "jvm", false),
    TAG("tag", "true", false),
    CGROUP("cgroup", "auto", false);

    /** The system-property prefix; agent options may use the short name or the full one. */
    public static final String PREFIX = "reap.";

    private final String shortName;
    private final String defaultValue;
    private final boolean readAgainAtExit;

    Key(String shortName, String defaultValue, boolean readAgainAtExit) {
        this.shortName = shortName;
        this.defaultValue = defaultValue;
        this.readAgainAtExit = readAgainAtExit;
    }

    public String shortName() {
        return shortName;
    }

    /** {@code reap.grace} */
    public String property() {
        return PREFIX + shortName;
    }

    /** {@code REAP_GRACE} */
    public String environmentVariable() {
        return "REAP_" + shortName.toUpperCase(Locale.ROOT);
    }

    /** The default as text, or null when the key has none. */
    public String defaultValue() {
        return defaultValue;
    }

    /**
     * Keys that act at exit are read again then, so that values set after premain (Surefire's
     * {@code systemPropertyVariables}) take effect.
     */
    public boolean readAgainAtExit() {
        return readAgainAtExit;
    }

    /** The key named by {@code grace} or {@code reap.grace}, or null. */
    public static Key byName(String name) {
        String bare = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
        for (Key key : values()) {
            if (key.shortName.equals(bare)) {
                return key;
            }
        }
        return null;
    }
}
