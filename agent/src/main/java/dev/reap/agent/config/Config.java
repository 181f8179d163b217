package dev.reap.agent.config;

import dev.reap.agent.log.LogLevel;
import dev.reap.agent.reap.Ladder;
import dev.reap.agent.reap.Signal;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The agent's validated configuration (DESIGN.md, "Contracts"): a value for each {@link Key}, and
 * the text it was given as. Immutable (a default's value is made on first use); only
 * {@link ConfigLoader} makes one.
 */
public final class Config {
    /** {@code reap.leaks} */
    public enum Leaks { WARN, OFF }

    /** {@code reap.scope} */
    public enum Scope { JVM, TEST }

    /** {@code reap.cgroup}: a cgroup v2 for the session always (the JVM stops without one), where possible, or never. */
    public enum Cgroup { AUTO, ON, OFF }

    private final Object[] values;
    private final String[] texts;

    /** By {@link Key#ordinal()}: each key's value, and its text (null when it has none). */
    Config(Object[] values, String[] texts) {
        this.values = values;
        this.texts = texts;
    }

    /** A default is parsed when first asked for: most JVMs set no key, and most keys are read only at exit. */
    Object value(Key key) {
        Object value = values[key.ordinal()];
        if (value == ConfigLoader.UNPARSED) {
            value = ConfigLoader.parseDefault(key);
            values[key.ordinal()] = value;
        }
        return value;
    }

    /** The value of {@code key} as it was given (or its default); null when it has none. */
    public String text(Key key) {
        return texts[key.ordinal()];
    }

    /** This configuration with the keys that act at exit taken from {@code now}. */
    Config withExitKeysOf(Config now) {
        Object[] v = values.clone();
        String[] t = texts.clone();
        for (Key key : Key.values()) {
            if (key.readAgainAtExit()) {
                v[key.ordinal()] = now.values[key.ordinal()];
                t[key.ordinal()] = now.texts[key.ordinal()];
            }
        }
        return new Config(v, t);
    }

    /** This configuration with another grace (the {@code sweep} command's {@code --grace}). */
    public Config withGrace(Duration grace) {
        Object[] v = values.clone();
        String[] t = texts.clone();
        v[Key.GRACE.ordinal()] = grace;
        t[Key.GRACE.ordinal()] = Durations.format(grace);
        return new Config(v, t);
    }

    public Duration grace() { return (Duration) value(Key.GRACE); }

    @SuppressWarnings("unchecked")
    public List<Signal> signals() { return (List<Signal>) value(Key.SIGNALS); }

    public Ladder ladder() { return new Ladder(signals(), grace()); }

    public boolean enabled() { return (Boolean) value(Key.ENABLED); }

    public boolean watchdog() { return (Boolean) value(Key.WATCHDOG); }

    public boolean sweep() { return (Boolean) value(Key.SWEEP); }

    /** Processes whose full command line this finds are never signalled; null for none. */
    public Pattern exclude() { return (Pattern) value(Key.EXCLUDE); }

    public LogLevel log() { return (LogLevel) value(Key.LOG); }

    /** The report file's path as configured ({@code %p} not yet expanded), or null. */
    public String report() { return (String) value(Key.REPORT); }

    public boolean stacks() { return (Boolean) value(Key.STACKS); }

    public Leaks leaks() { return (Leaks) value(Key.LEAKS); }

    public Scope scope() { return (Scope) value(Key.SCOPE); }

    /** False: children's environments get no tag ({@code reap.tag=false}, "no trace"). */
    public boolean tag() { return (Boolean) value(Key.TAG); }

    public Cgroup cgroup() { return (Cgroup) value(Key.CGROUP); }

    /** True when {@code commandLine} matches {@code reap.exclude}. */
    public boolean excludes(String commandLine) {
        Pattern exclude = exclude();
        return exclude != null && commandLine != null && exclude.matcher(commandLine).find();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Key key : Key.values()) {
            text.append(text.length() == 0 ? "" : ", ").append(key.shortName()).append('=').append(text(key));
        }
        return text.toString();
    }
}
