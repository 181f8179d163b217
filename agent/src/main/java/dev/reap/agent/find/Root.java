package dev.reap.agent.find;

import dev.reap.agent.report.Origin;

/**
 * A process a session recorded: the exit hook's children (with the JDK's {@link Process}), or
 * the PIDs and start times the watchdog was told of. Its descendants are the session's too.
 */
public final class Root {
    final long pid;
    final long startTicks;
    final Process process;
    final String commandLine;
    final Origin self;
    final Origin descendants;

    private Root(long pid, long startTicks, Process process, String commandLine, Origin self, Origin descendants) {
        this.pid = pid;
        this.startTicks = startTicks;
        this.process = process;
        this.commandLine = commandLine;
        this.self = self;
        this.descendants = descendants;
    }

    /**
     * A child of this JVM, named by its command as spawned: its start time is read from the
     * snapshot (the JDK has not waited for it, so its PID is still its own).
     */
    public static Root child(Process process, String commandLine, Origin self, Origin descendants) {
        return new Root(process.pid(), -1, process, commandLine, self, descendants);
    }

    /** A process known by PID and start time only. */
    public static Root recorded(long pid, long startTicks, Origin self, Origin descendants) {
        return new Root(pid, startTicks, null, null, self, descendants);
    }
}
