package dev.reap.agent.config;

import dev.reap.agent.reap.Ladder;
import dev.reap.agent.reap.Signal;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/** The agent's validated configuration (DESIGN.md, "Contracts"). Immutable. */
public final class Config {
    /** {@code reap.leaks} */
    public enum Leaks { WARN, OFF }

    /** {@code reap.scope} */
    public enum Scope { JVM, TEST }

    private final Duration grace;
    private final List<Signal> signals;
    private final boolean enabled;
    private final boolean watchdog;
    private final boolean sweep;
    private final Pattern exclude;
    private final LogLevel log;
    private final String report;
    private final boolean stacks;
    private final Leaks leaks;
    private final Scope scope;

    Config(Duration grace, List<Signal> signals, boolean enabled, boolean watchdog, boolean sweep,
           Pattern exclude, LogLevel log, String report, boolean stacks, Leaks leaks, Scope scope) {
        this.grace = grace;
        this.signals = List.copyOf(signals);
        this.enabled = enabled;
        this.watchdog = watchdog;
        this.sweep = sweep;
        this.exclude = exclude;
        this.log = log;
        this.report = report;
        this.stacks = stacks;
        this.leaks = leaks;
        this.scope = scope;
    }

    public Duration grace() { return grace; }

    public List<Signal> signals() { return signals; }

    public Ladder ladder() { return new Ladder(signals, grace); }

    public boolean enabled() { return enabled; }

    public boolean watchdog() { return watchdog; }

    public boolean sweep() { return sweep; }

    /** Processes whose full command line this finds are never signalled; null for none. */
    public Pattern exclude() { return exclude; }

    public LogLevel log() { return log; }

    /** The report file's path as configured ({@code %p} not yet expanded), or null. */
    public String report() { return report; }

    public boolean stacks() { return stacks; }

    public Leaks leaks() { return leaks; }

    public Scope scope() { return scope; }

    /** True when {@code commandLine} matches {@code reap.exclude}. */
    public boolean excludes(String commandLine) {
        return exclude != null && commandLine != null && exclude.matcher(commandLine).find();
    }

    @Override
    public String toString() {
        return "grace=" + Durations.format(grace) + ", signals=" + signals + ", enabled=" + enabled
                + ", watchdog=" + watchdog + ", sweep=" + sweep + ", exclude=" + exclude
                + ", log=" + log + ", report=" + report + ", stacks=" + stacks
                + ", leaks=" + leaks + ", scope=" + scope;
    }
}
