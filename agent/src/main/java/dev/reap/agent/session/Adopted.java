package dev.reap.agent.session;

/**
 * A process this JVM had spawned before the agent was attached to it (or a descendant of one),
 * taken over at attach as if the agent had seen it spawn. Its spawn site is unknown: it is
 * described as "before attach".
 */
public final class Adopted {
    private final long pid;
    private final long startTicks;
    private final long parentPid;
    private final boolean directChild;
    private final String commandLine;
    private final long startedAtMillis;
    private final ProcessHandle handle;

    /**
     * @param startTicks  its start time in clock ticks after boot, -1 where there is no {@code /proc}
     * @param directChild true for a child of this JVM, false for a descendant of one
     * @param startedAtMillis epoch millis of its start, -1 when unknown
     * @param handle      where there is no {@code /proc}: the JDK's handle (it checks the start time itself)
     */
    public Adopted(long pid, long startTicks, long parentPid, boolean directChild, String commandLine,
                   long startedAtMillis, ProcessHandle handle) {
        this.pid = pid;
        this.startTicks = startTicks;
        this.parentPid = parentPid;
        this.directChild = directChild;
        this.commandLine = commandLine;
        this.startedAtMillis = startedAtMillis;
        this.handle = handle;
    }

    public long pid() { return pid; }

    public long startTicks() { return startTicks; }

    public long parentPid() { return parentPid; }

    public boolean directChild() { return directChild; }

    /** May be null when it could not be read. */
    public String commandLine() { return commandLine; }

    public long startedAtMillis() { return startedAtMillis; }

    /** Null on Linux, where the PID and start time name it. */
    public ProcessHandle handle() { return handle; }

    @Override
    public String toString() {
        return "pid " + pid + " '" + commandLine + "'";
    }
}
