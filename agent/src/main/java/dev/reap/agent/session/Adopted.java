package dev.reap.agent.session;

/**
 * A process of this JVM that the spawn hook did not see, known by PID and start time: a child
 * spawned before the agent was attached (taken over at attach), or one spawned by native code
 * (JNA, the FFM API, JNI), or a descendant of either. Its spawn site is unknown: it is described
 * as {@link SpawnSite#BEFORE_ATTACH} or {@link SpawnSite#NATIVE}.
 */
public final class Adopted {
    private final long pid;
    private final long startTicks;
    private final long parentPid;
    private final boolean directChild;
    private final String commandLine;
    private final long startedAtMillis;
    private final ProcessHandle handle;
    private final SpawnSite site;

    /**
     * @param startTicks  its start time in clock ticks after boot, -1 where there is no {@code /proc}
     * @param directChild true for a child of this JVM, false for a descendant of one
     * @param startedAtMillis epoch millis of its start, -1 when unknown
     * @param handle      where there is no {@code /proc}: the JDK's handle (it checks the start time itself)
     */
    public Adopted(long pid, long startTicks, long parentPid, boolean directChild, String commandLine,
                   long startedAtMillis, ProcessHandle handle) {
        this(pid, startTicks, parentPid, directChild, commandLine, startedAtMillis, handle, SpawnSite.BEFORE_ATTACH);
    }

    /** One found while the agent runs: {@code site} says how the JVM started it. */
    public Adopted(long pid, long startTicks, long parentPid, boolean directChild, String commandLine,
                   long startedAtMillis, ProcessHandle handle, SpawnSite site) {
        this.pid = pid;
        this.startTicks = startTicks;
        this.parentPid = parentPid;
        this.directChild = directChild;
        this.commandLine = commandLine;
        this.startedAtMillis = startedAtMillis;
        this.handle = handle;
        this.site = site;
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

    /** {@link SpawnSite#BEFORE_ATTACH} or {@link SpawnSite#NATIVE}. */
    public SpawnSite site() { return site; }

    @Override
    public String toString() {
        return "pid " + pid + " '" + commandLine + "'";
    }
}
