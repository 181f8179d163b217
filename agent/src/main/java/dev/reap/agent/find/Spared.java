package dev.reap.agent.find;

import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.proc.ProcessTable;
import dev.reap.agent.session.Child;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the exit hook leaves to the after-exit watchdog: the children spawned after the exit began
 * (another shutdown hook's helper must be let do its job), the JVM's children started since
 * (spawns still under way), and what descends from them.
 */
final class Spared {
    private final List<Child> children;
    private final long fromTicks;

    Spared(List<Child> children, long fromTicks) {
        this.children = children;
        this.fromTicks = fromTicks;
    }

    /** The spared processes in {@code table}, with their descendants. */
    Set<Long> in(ProcessTable table, long self) {
        Set<Long> pids = new HashSet<>();
        List<ProcStat> roots = new ArrayList<>();
        for (Child c : children) {
            ProcStat stat = table.get(c.pid());
            if (stat != null) {
                roots.add(stat);
            }
        }
        for (ProcStat stat : table.childrenOf(self)) {
            if (stat.startTicks() >= fromTicks) {
                roots.add(stat);
            }
        }
        for (ProcStat root : roots) {
            pids.add(root.pid());
            for (ProcStat d : table.descendantsOf(root.pid(), root.startTicks())) {
                pids.add(d.pid());
            }
        }
        return pids;
    }
}
