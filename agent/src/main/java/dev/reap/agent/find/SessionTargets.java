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
        for (ProcStat stat : TaggedScan.candidates(table, session.startTime(), session.pid())) {
            if (found.containsKey(stat.pid())) {
                continue;
            }
            if (session.tags(ProcFs.settledEnvironmentVariable(stat.pid(), Session.TAG))) {
                found.put(stat.pid(), Target.proc(stat.pid(), stat.startTicks(), ProcFs.commandLine(stat.pid()),
                        Origin.tagged()));
            }
        }
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
            long self = ProcessHandle.current().pid();
            for (ProcStat stat : TaggedScan.candidates(table, sinceTicks, self)) {
                if (!found.containsKey(stat.pid()) && value.equals(ProcFs.settledEnvironmentVariable(stat.pid(), variable))) {
                    found.put(stat.pid(), Target.proc(stat.pid(), stat.startTicks(), ProcFs.commandLine(stat.pid()), tagged));
                }
            }
        }
        return new ArrayList<>(found.values());
    }

    private static void addTrees(ProcessTable table, List<Root> roots, Map<Long, Target> found) {
        for (Root root : roots) {
            ProcStat stat = table.get(root.pid);
            if (stat == null || stat.exited() || root.startTicks >= 0 && stat.startTicks() != root.startTicks) {
                continue;
            }
            long ticks = stat.startTicks();
            String commandLine = root.commandLine != null ? root.commandLine : ProcFs.commandLine(root.pid);
            found.putIfAbsent(root.pid, root.process != null
                    ? Target.child(root.process, ticks, commandLine, root.self)
                    : Target.proc(root.pid, ticks, commandLine, root.self));
            for (ProcStat d : table.descendantsOf(root.pid, ticks)) {
                found.putIfAbsent(d.pid(), Target.proc(d.pid(), d.startTicks(), ProcFs.commandLine(d.pid()),
                        root.descendants));
            }
        }
    }
}
