package dev.reap.agent.find;

import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.proc.ProcessTable;

import java.util.ArrayList;
import java.util.List;

/** Which entries of a snapshot could carry a session tag, before anyone reads an environment. */
public final class TaggedScan {
    private static final long KTHREADD = 2;

    private TaggedScan() {
    }

    /**
     * Live processes started at or after {@code sinceTicks} (a session's tag can only be on a
     * process younger than the session), other than {@code self} and kernel threads (kthreadd,
     * PID 2, and its children: they have no environment to read).
     */
    public static List<ProcStat> candidates(ProcessTable table, long sinceTicks, long self) {
        List<ProcStat> result = new ArrayList<>();
        for (ProcStat stat : table.all()) {
            if (stat.startTicks() < sinceTicks || stat.pid() == self || stat.exited()
                    || stat.pid() == KTHREADD || stat.parentPid() == KTHREADD) {
                continue;
            }
            result.add(stat);
        }
        return result;
    }
}
