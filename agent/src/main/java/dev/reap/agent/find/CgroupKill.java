package dev.reap.agent.find;

import dev.reap.agent.log.Loggers;
import dev.reap.agent.proc.OwnSpawns;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.proc.ProcessTable;
import dev.reap.agent.proc.SessionCgroup;
import dev.reap.agent.reap.GroupKill;

import java.util.HashSet;
import java.util.Set;

/**
 * {@code cgroup.kill} on a session's cgroup, only when everything in it is the reaping's: a
 * target, a process forked by one since the last look, or an orphan of one (started before the
 * exit began); never when it also holds a process {@code reap.exclude} spares, a spawn of the
 * exiting JVM's other shutdown hooks, a process older than the session (moved in by root), or one
 * of the agent's own helpers that could not be moved out.
 */
public final class CgroupKill implements GroupKill {
    private final SessionCgroup cgroup;
    /** The JVM reaping its own session, or -1 (the watchdog's JVM is gone). */
    private final long jvm;
    /** Orphans started at or after this (clock ticks) may be another hook's: they keep the kill off. */
    private final long spareFromTicks;

    public CgroupKill(SessionCgroup cgroup, long jvm, long spareFromTicks) {
        this.cgroup = cgroup;
        this.jvm = jvm;
        this.spareFromTicks = spareFromTicks;
    }

    @Override
    public void killAll(Set<Long> targets, Set<Long> excluded) {
        Set<Long> members = new HashSet<>(cgroup.members());
        ProcessTable table = null;
        for (long pid : members) {
            if (targets.contains(pid) || (OwnSpawns.isOwn(pid) || pid == ProcFs.selfPid()) && cgroup.moveOut(pid)) {
                continue;
            }
            table = table != null ? table : ProcessTable.snapshot();
            if (!reapable(table, pid, members, targets, excluded)) {
                Loggers.get(CgroupKill.class).debug("no cgroup.kill of {}: pid {} in it is spared", cgroup, pid);
                return;
            }
        }
        if (!members.isEmpty() && cgroup.kill()) {
            Loggers.get(CgroupKill.class).debug("cgroup.kill of {}", cgroup);
        }
    }

    /** Up its parents: a target first is ours; the JVM, an excluded or an own process first is not. */
    private boolean reapable(ProcessTable table, long pid, Set<Long> members, Set<Long> targets, Set<Long> excluded) {
        ProcStat stat = table.get(pid);
        for (int depth = 0; stat != null && depth < 256; depth++) {
            long p = stat.pid();
            if (targets.contains(p)) {
                return true;
            }
            if (!cgroup.holdsAsItsOwn(stat)) {
                // moved in by someone (root) who could: not ours to kill
                return false;
            }
            if (excluded.contains(p) || p == jvm || p == ProcFs.selfPid() || OwnSpawns.isOwn(p)) {
                return false;
            }
            ProcStat parent = table.get(stat.parentPid());
            if (parent == null || parent.pid() <= 1 || !members.contains(parent.pid())) {
                // an orphan, or its ancestors are outside the cgroup (re-parented to a subreaper)
                return stat.startTicks() < spareFromTicks && stat.parentPid() != jvm;
            }
            stat = parent;
        }
        return false;
    }
}
