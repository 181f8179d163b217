package dev.reap.agent.find;

import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.proc.ProcessTable;
import dev.reap.agent.reap.Target;
import dev.reap.agent.report.Origin;
import dev.reap.agent.session.Session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a session must reap, found from one {@code /proc} snapshot taken before any signal: its
 * recorded processes, their descendants (a dead parent's children are re-parented, so the
 * snapshot must come first), and live processes tagged with the session (a {@code setsid}
 * daemon a child started). The exit hook and the watchdog share it.
 */
public final class SessionTargets {
    private SessionTargets() {
    }

    /** The targets, roots first, in the order found. Linux only: see {@link ProcFs#available()}. */
    public static List<Target> collect(Session session, List<Root> roots) {
        ProcessTable table = ProcessTable.snapshot();
        Map<Long, Target> found = new LinkedHashMap<>();
        addTrees(table, roots, found);
        addTagged(table, session.startTime(), session.pid(), TagMatcher.sessionIn(session), Origin.tagged(), found);
        return new ArrayList<>(found.values());
    }

    /**
     * The roots and their descendants, and the live processes started at or after
     * {@code sinceTicks} whose environment holds {@code variable=value} (a {@code setsid} daemon
     * that left the tree), all from one snapshot. {@code variable} null: the trees only.
     */
    public static List<Target> trees(List<Root> roots, String variable, String value, long sinceTicks, Origin tagged) {
        ProcessTable table = ProcessTable.snapshot();
        Map<Long, Target> found = new LinkedHashMap<>();
        addTrees(table, roots, found);
        if (variable != null) {
            addTagged(table, sinceTicks, ProcessHandle.current().pid(), TagMatcher.equalTo(variable, value), tagged, found);
        }
        return new ArrayList<>(found.values());
    }

    /**
     * The live processes started at or after {@code sinceTicks} that {@code tag} matches, not found
     * yet, of this process's user: a tag can be copied into anyone's environment, so a process
     * found by its tag alone is ours only when its real and effective user are ours too. (Recorded
     * processes and their descendants are ours whatever user they run as: we started them.)
     */
    private static void addTagged(ProcessTable table, long sinceTicks, long self, TagMatcher tag, Origin origin,
                                  Map<Long, Target> found) {
        long[] mine = null;
        for (ProcStat stat : TaggedScan.candidates(table, sinceTicks, self)) {
            if (found.containsKey(stat.pid()) || !tag.matches(stat.pid())) {
                continue;
            }
            if (mine == null) {
                mine = ProcFs.ownUserIds();
            }
            if (ProcFs.sameUser(mine, ProcFs.userIds(stat.pid()))) {
                found.put(stat.pid(), Target.proc(stat.pid(), stat.startTicks(), ProcFs.commandLine(stat.pid()), origin));
            }
        }
    }

    private static void addTrees(ProcessTable table, List<Root> roots, Map<Long, Target> found) {
        for (Root root : roots) {
            ProcStat stat = table.get(root.pid);
            if (stat == null || stat.exited() || root.startTicks >= 0 && stat.startTicks() != root.startTicks) {
                continue;
            }
            String commandLine = root.commandLine != null ? root.commandLine : ProcFs.commandLine(root.pid);
            found.putIfAbsent(root.pid, root.process != null
                    ? Target.child(root.process, stat, commandLine, root.self)
                    : Target.proc(root.pid, stat.startTicks(), commandLine, root.self));
            for (ProcStat d : table.descendantsOf(root.pid, stat.startTicks())) {
                found.putIfAbsent(d.pid(), Target.proc(d.pid(), d.startTicks(), ProcFs.commandLine(d.pid()),
                        root.descendants));
            }
        }
    }
}
