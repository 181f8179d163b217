package dev.reap.agent.session;

import java.util.List;

/** A process this JVM spawned, as recorded at its spawn. */
public final class Child {
    private final Process process;
    private final long pid;
    private final List<String> command;
    private final long spawnedAtMillis;
    private final SpawnSite site;
    private final String test;

    /** {@code test}: the JUnit test or class that was running on the spawning thread, or null. */
    public Child(Process process, List<String> command, long spawnedAtMillis, SpawnSite site, String test) {
        this.process = process;
        this.pid = process.pid();
        this.command = command;
        this.spawnedAtMillis = spawnedAtMillis;
        this.site = site;
        this.test = test;
    }

    public Process process() { return process; }

    public long pid() { return pid; }

    public List<String> command() { return command; }

    /** The command as one line, arguments joined by spaces. */
    public String commandLine() { return String.join(" ", command); }

    public long spawnedAtMillis() { return spawnedAtMillis; }

    /** Where it was spawned, or {@link SpawnSite#UNKNOWN} with {@code reap.stacks=false}. */
    public SpawnSite site() { return site; }

    /** {@code com.acme.ServerIT#starts()}, {@code com.acme.ServerIT} (its {@code @BeforeAll}), or null outside tests. */
    public String test() { return test; }

    @Override
    public String toString() {
        return "pid " + pid + " '" + commandLine() + "'";
    }
}
