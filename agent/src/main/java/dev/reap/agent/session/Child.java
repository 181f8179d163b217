package dev.reap.agent.session;

import java.util.List;

/** A process this JVM spawned, as recorded at its spawn. */
public final class Child {
    private final Process process;
    private final long pid;
    private final List<String> command;
    private final long spawnedAtMillis;
    private final SpawnSite site;

    public Child(Process process, List<String> command, long spawnedAtMillis, SpawnSite site) {
        this.process = process;
        this.pid = process.pid();
        this.command = command;
        this.spawnedAtMillis = spawnedAtMillis;
        this.site = site;
    }

    public Process process() { return process; }

    public long pid() { return pid; }

    public List<String> command() { return command; }

    /** The command as one line, arguments joined by spaces. */
    public String commandLine() { return String.join(" ", command); }

    public long spawnedAtMillis() { return spawnedAtMillis; }

    /** Where it was spawned, or {@link SpawnSite#UNKNOWN} with {@code reap.stacks=false}. */
    public SpawnSite site() { return site; }

    @Override
    public String toString() {
        return "pid " + pid + " '" + commandLine() + "'";
    }
}
