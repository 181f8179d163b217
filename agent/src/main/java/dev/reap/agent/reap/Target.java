package dev.reap.agent.reap;

import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;

import java.util.Optional;

/**
 * One process to reap, named so that a reused PID is never mistaken for it: a child by the JDK's
 * own {@link Process} (the JDK has not waited for it while it is alive), any other process by its
 * PID and start time (Linux) or by a {@link ProcessHandle} (which checks its start time itself).
 */
public final class Target {
    private final long pid;
    private final long startTicks;
    private final Process process;
    private final ProcessHandle handle;
    private final String commandLine;
    private final Origin origin;
    /** The signals a child ignored when the exit's snapshot read it; -1 when not read. */
    private final long ignoredWhenFound;

    private Target(long pid, long startTicks, Process process, ProcessHandle handle, String commandLine, Origin origin,
                   long ignoredWhenFound) {
        this.pid = pid;
        this.startTicks = startTicks;
        this.process = process;
        this.handle = handle;
        this.commandLine = commandLine;
        this.origin = origin;
        this.ignoredWhenFound = ignoredWhenFound;
    }

    /** A child of this JVM. */
    public static Target child(Process process, long startTicks, String commandLine, Origin origin) {
        return new Target(process.pid(), startTicks, process, null, commandLine, origin, -1);
    }

    /**
     * A child of this JVM as a {@code /proc} snapshot taken just before the reap saw it: the
     * first rung need not read again what it ignores (a hundred reads, 4 ms of an exit).
     */
    public static Target child(Process process, ProcStat found, String commandLine, Origin origin) {
        return new Target(process.pid(), found.startTicks(), process, null, commandLine, origin,
                found.ignoredSignals());
    }

    /** Any process, named by PID and start time as read from {@code /proc}. */
    public static Target proc(long pid, long startTicks, String commandLine, Origin origin) {
        return new Target(pid, startTicks, null, null, commandLine, origin, -1);
    }

    /** Any process, where there is no {@code /proc}. */
    public static Target handle(ProcessHandle handle, String commandLine, Origin origin) {
        return new Target(handle.pid(), -1, null, handle, commandLine, origin, -1);
    }

    public long pid() { return pid; }

    /** Start time in clock ticks after boot, or -1 when unknown. */
    public long startTicks() { return startTicks; }

    public String commandLine() { return commandLine; }

    /** What the caller knows of where it came from (the recorded child, say); opaque here. */
    public Origin origin() { return origin; }

    /** True while this very process has not exited (a zombie has). */
    public boolean isAlive() {
        if (process != null) {
            return !hasExited(process);
        }
        if (handle != null) {
            return handle.isAlive();
        }
        return ProcFs.isAlive(pid, startTicks);
    }

    /**
     * Before the first rung: -1 when this process is gone, else the signals it ignores (0 when
     * unknown). One {@code /proc} read for both answers, none for a child the snapshot saw.
     */
    long ignoredSignalsIfAlive() {
        if (process != null && !process.isAlive() || handle != null && !handle.isAlive()) {
            return -1;
        }
        if (process != null && ignoredWhenFound >= 0) {
            // the JDK has not waited for it, so the PID is still the child's
            return ignoredWhenFound;
        }
        if (!ProcFs.available()) {
            return 0;
        }
        ProcStat stat = ProcFs.stat(pid);
        if (stat == null || stat.exited() || process == null && handle == null && stat.startTicks() != startTicks) {
            return -1;
        }
        return stat.ignoredSignals();
    }

    /**
     * True once a child has exited: the JDK says so, or {@code /proc} shows it a zombie (the
     * JDK's reaper thread has not waited for it yet; when many children exit at once, that
     * takes a while on a busy machine). While the JDK has not waited for it, its PID cannot be
     * reused, so the {@code /proc} entry is the child's own.
     */
    static boolean hasExited(Process process) {
        if (!process.isAlive()) {
            return true;
        }
        if (!ProcFs.available()) {
            return false;
        }
        ProcStat stat = ProcFs.stat(process.pid());
        return stat == null || stat.exited();
    }

    /** The handle to signal through, if this is still the same process. */
    Optional<ProcessHandle> handleIfSame() {
        if (process != null) {
            // the JDK has not waited for it, so the PID is still this child's (a zombie's at
            // worst, which a signal leaves unharmed): no /proc read needed
            return process.isAlive() ? Optional.of(process.toHandle()) : Optional.empty();
        }
        if (handle != null) {
            return handle.isAlive() ? Optional.of(handle) : Optional.empty();
        }
        if (!ProcFs.isAlive(pid, startTicks)) {
            return Optional.empty();
        }
        // ProcessHandle.of records the start time now and checks it again in destroy()
        return ProcessHandle.of(pid);
    }

    /** The JDK's own handle on this process when it is a child of this JVM, else null. */
    Process process() {
        return process;
    }

    @Override
    public String toString() {
        return "pid " + pid + (commandLine == null ? "" : " '" + commandLine + "'");
    }
}
