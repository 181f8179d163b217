package dev.reap.agent.sweep;

import dev.reap.agent.proc.ProcStat;

import java.util.List;

/** A process carrying a session tag: its chain of sessions, the innermost (its owner) last. */
public final class TaggedProcess {
    private final ProcStat stat;
    private final List<String> chain;
    private final String commandLine;

    TaggedProcess(ProcStat stat, List<String> chain, String commandLine) {
        this.stat = stat;
        this.chain = chain;
        this.commandLine = commandLine;
    }

    public long pid() { return stat.pid(); }

    public long startTicks() { return stat.startTicks(); }

    public long parentPid() { return stat.parentPid(); }

    /** Every session above it, outermost first. */
    public List<String> chain() { return chain; }

    /**
     * The session it belongs to: the nearest JVM with the agent above it, which was to end it.
     * Outer sessions in the chain are that JVM's ancestors.
     */
    public String owner() { return chain.get(chain.size() - 1); }

    public String commandLine() { return commandLine; }
}
