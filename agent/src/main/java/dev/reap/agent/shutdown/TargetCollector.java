package dev.reap.agent.shutdown;

import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.proc.ProcessTable;
import dev.reap.agent.reap.Target;
import dev.reap.agent.session.Child;
import dev.reap.agent.session.Registry;
import dev.reap.agent.session.Session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds what this session must reap, before any signal: the live recorded children, their
 * descendants (one snapshot of the process table, since a dead parent's children are
 * re-parented), and live processes tagged with this session (a {@code setsid} daemon a child
 * started). Only processes started after this JVM can carry its tag, so older ones are not read.
 */
final class TargetCollector {
    private static final long KTHREADD = 2;

    private final Registry registry;
    private final Session session;

    TargetCollector(Registry registry, Session session) {
        this.registry = registry;
        this.session = session;
    }

    /** The targets, in the order found. */
    List<Target> collect() {
        Map<Long, Target> found = new LinkedHashMap<>();
        List<Child> children = new ArrayList<>();
        for (Child c : registry.live()) {
            if (c.process().isAlive()) {
                children.add(c);
            }
        }
        if (ProcFs.available()) {
            collectFromProc(children, found);
        } else {
            collectFromHandles(children, found);
        }
        return new ArrayList<>(found.values());
    }

    private void collectFromProc(List<Child> children, Map<Long, Target> found) {
        ProcessTable table = ProcessTable.snapshot();
        for (Child child : children) {
            ProcStat stat = table.get(child.pid());
            long ticks = stat != null ? stat.startTicks() : -1;
            found.putIfAbsent(child.pid(), Target.child(child.process(), ticks, child.commandLine(), Origin.child(child)));
            for (ProcStat d : table.descendantsOf(child.pid(), ticks)) {
                found.putIfAbsent(d.pid(), Target.proc(d.pid(), d.startTicks(), ProcFs.commandLine(d.pid()),
                        Origin.descendantOf(child)));
            }
        }
        for (ProcStat stat : table.all()) {
            // kernel threads (kthreadd, PID 2, and its children) have no environment to read
            if (stat.startTicks() < session.startTime() || stat.pid() == session.pid() || stat.exited()
                    || stat.pid() == KTHREADD || stat.parentPid() == KTHREADD || found.containsKey(stat.pid())) {
                continue;
            }
            if (session.tags(ProcFs.environmentVariable(stat.pid(), Session.TAG))) {
                found.put(stat.pid(), Target.proc(stat.pid(), stat.startTicks(), ProcFs.commandLine(stat.pid()),
                        Origin.tagged()));
            }
        }
    }

    private static void collectFromHandles(List<Child> children, Map<Long, Target> found) {
        for (Child child : children) {
            found.putIfAbsent(child.pid(), Target.child(child.process(), -1, child.commandLine(), Origin.child(child)));
            child.process().descendants().forEach(d -> {
                Optional<String> line = d.info().commandLine();
                found.putIfAbsent(d.pid(), Target.handle(d, line.orElse(null), Origin.descendantOf(child)));
            });
        }
    }
}
