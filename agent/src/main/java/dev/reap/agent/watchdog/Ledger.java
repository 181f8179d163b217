package dev.reap.agent.watchdog;

import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.session.Adopted;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * What the host has for its sidecar: the children not yet reported (with their spawn times), the
 * lines of processes adopted at attach, and what the sidecar has been told, for a replacement
 * (children pruned as they exit). Not thread-safe: the {@link Watchdog} guards it.
 */
final class Ledger {
    private static final int MIN_PRUNE_SIZE = 64;

    private final List<Process> recent = new ArrayList<>();
    private final List<Long> recentNanos = new ArrayList<>();
    private final List<String> adoptedLines = new ArrayList<>();
    private final List<Process> told = new ArrayList<>();
    private final List<String> adoptedTold = new ArrayList<>();
    private int pruneAt = MIN_PRUNE_SIZE;

    /** Notes a spawn; true when it is the only one waiting (the reporter may be asleep). */
    boolean spawned(Process child) {
        recent.add(child);
        recentNanos.add(System.nanoTime());
        return recent.size() == 1;
    }

    /** Processes adopted at attach, named by PID and start time: most are not the host's children. */
    void adopted(List<Adopted> processes) {
        for (Adopted a : processes) {
            adoptedLines.add(a.pid() + " " + a.startTicks());
        }
    }

    /** Processes known by PID and start time only (what left the tree for the session's cgroup). */
    void known(List<ProcStat> processes) {
        for (ProcStat p : processes) {
            adoptedLines.add(p.pid() + " " + p.startTicks());
        }
    }

    boolean nothingWaiting() {
        return recent.isEmpty() && adoptedLines.isEmpty();
    }

    /** Everything a lost sidecar had been told that still matters, as lines. */
    List<String> toldSoFar() {
        List<String> lines = new ArrayList<>();
        for (Process child : told) {
            addLine(lines, child);
        }
        lines.addAll(adoptedTold);
        return lines;
    }

    /**
     * Moves the adopted lines and the PIDs of live children older than {@code lastingNanos} into
     * {@code lines} (remembered as told), drops exited children, keeps younger ones; returns how
     * long until the oldest kept one is old enough (0: none is waiting).
     */
    long takeLasting(List<String> lines, long lastingNanos) {
        adoptedTold.addAll(adoptedLines);
        lines.addAll(adoptedLines);
        adoptedLines.clear();
        long now = System.nanoTime();
        long wait = 0;
        Iterator<Long> times = recentNanos.iterator();
        for (Iterator<Process> it = recent.iterator(); it.hasNext(); ) {
            Process child = it.next();
            long age = now - times.next();
            if (age < lastingNanos && child.isAlive()) {
                wait = wait == 0 ? lastingNanos - age : wait;
                continue;
            }
            if (addLine(lines, child)) {
                remember(child);
            }
            it.remove();
            times.remove();
        }
        return wait;
    }

    /**
     * Adds {@code <pid> <start time>} for a live child: the sidecar then needs no look at its
     * parent, which a host dying as the sidecar reads has no longer. The start time is read while
     * the JDK has not reaped the child (its PID is its own until then); the PID alone when it cannot
     * be read (a SecurityManager that denies it): the sidecar reads it then. False when it has exited.
     */
    private static boolean addLine(List<String> lines, Process child) {
        ProcStat stat = child.isAlive() ? ProcFs.stat(child.pid()) : null;
        if (!child.isAlive() || stat != null && stat.exited()) {
            return false;
        }
        lines.add(stat == null ? Long.toString(child.pid()) : child.pid() + " " + stat.startTicks());
        return true;
    }

    private void remember(Process child) {
        told.add(child);
        if (told.size() >= pruneAt) {
            for (Iterator<Process> it = told.iterator(); it.hasNext(); ) {
                if (!it.next().isAlive()) {
                    it.remove();
                }
            }
            pruneAt = Math.max(MIN_PRUNE_SIZE, 2 * told.size());
        }
    }

    /** Drops what waits to be told (the host is exiting); {@code all}: what was told too (the watchdog is lost). */
    void clear(boolean all) {
        recent.clear();
        recentNanos.clear();
        adoptedLines.clear();
        if (all) {
            told.clear();
            adoptedTold.clear();
        }
    }
}
