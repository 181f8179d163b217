package dev.reap.agent.find;

import dev.reap.agent.proc.OwnSpawns;
import dev.reap.agent.proc.ProcEnviron;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.proc.ProcessTable;
import dev.reap.agent.proc.SessionCgroup;
import dev.reap.agent.reap.Origin;
import dev.reap.agent.reap.Target;
import dev.reap.agent.session.Session;

import java.util.Map;
import java.util.Set;

/**
 * What a session owns beyond the tree of what it recorded, for {@link SessionTargets}: the live
 * processes carrying its tag (a {@code setsid} daemon), and what its cgroup holds (whatever left
 * the tree and its tag).
 */
final class BeyondTheTree {
    private static final long KTHREADD = 2;

    private BeyondTheTree() {
    }

    /**
     * What the session's cgroup holds and the rest did not find: only the session's processes are
     * born there (the JVM moved in before its first spawn), so each is ours whatever it did to its
     * environment, its parent or its user; not the JVM, nor the agent's own helpers, nor anything
     * older than the session.
     */
    static void addMembers(ProcessTable table, SessionCgroup cgroup, long self, Map<Long, Target> found,
                           Set<Long> skip) {
        Origin origin = null;
        for (long pid : cgroup.members()) {
            ProcStat stat = table.get(pid);
            if (stat == null || stat.exited() || pid == self || pid == ProcFs.selfPid() || !cgroup.holdsAsItsOwn(stat)
                    || found.containsKey(pid) || skip.contains(pid) || OwnSpawns.isOwn(pid)) {
                continue;
            }
            origin = origin != null ? origin : Origin.inCgroup();
            found.put(pid, Target.proc(pid, stat.startTicks(), ProcFs.commandLine(pid), origin));
        }
    }

    /**
     * A tag can be copied into anyone's environment, so a process found by its tag alone is ours
     * only when its real and effective user are ours too. (Recorded processes and their
     * descendants are ours whatever user they run as: we started them.) A tag can only be on a
     * process younger than its session; kernel threads (kthreadd, PID 2, and its children) have
     * no environment to read.
     */
    static void addTagged(ProcessTable table, Session session, String scopeTag, long sinceTicks,
                          long self, ScopeTags tests, Map<Long, Target> found, Set<Long> skip) {
        long[] mine = null;
        Origin untested = null;
        for (ProcStat stat : table.all()) {
            long pid = stat.pid();
            if (stat.startTicks() < sinceTicks || pid == self || stat.exited() || pid == KTHREADD
                    || stat.parentPid() == KTHREADD || found.containsKey(pid) || skip.contains(pid)) {
                continue;
            }
            String[] tags = ProcEnviron.settledVariables(pid, Session.TAG, Session.SCOPE_TAG);
            if (tags == null || (session != null ? !session.tags(tags[0]) : !scopeTag.equals(tags[1]))) {
                continue;
            }
            if (mine == null) {
                mine = ProcFs.ownUserIds();
            }
            if (ProcFs.sameUser(mine, ProcFs.userIds(pid))) {
                Origin origin = tests == null || tags[1] == null ? null : tests.originOf(tags[1]);
                if (origin == null) {
                    untested = untested != null ? untested : Origin.taggedBy(null);
                    origin = untested;
                }
                found.put(pid, Target.proc(pid, stat.startTicks(), ProcFs.commandLine(pid), origin));
            }
        }
    }
}
