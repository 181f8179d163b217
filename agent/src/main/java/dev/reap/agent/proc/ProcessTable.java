package dev.reap.agent.proc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One snapshot of the process table (PID, parent, start time), read once so that the
 * descendants of many processes cost one scan, and taken before any signal: a dead parent's
 * children are re-parented and would no longer be found by parent PID.
 */
public final class ProcessTable {
    private final Map<Long, ProcStat> byPid;
    /** By parent PID; made on first use (an exit whose children are all gone needs none). */
    private Map<Long, List<ProcStat>> children;

    private ProcessTable(Map<Long, ProcStat> byPid) {
        this.byPid = byPid;
    }

    private Map<Long, List<ProcStat>> children() {
        if (children == null) {
            children = new HashMap<>();
            for (ProcStat stat : byPid.values()) {
                List<ProcStat> siblings = children.get(stat.parentPid());
                if (siblings == null) {
                    siblings = new ArrayList<>();
                    children.put(stat.parentPid(), siblings);
                }
                siblings.add(stat);
            }
        }
        return children;
    }

    /** Reads every entry of {@code /proc}; entries that vanish mid-scan are left out. */
    public static ProcessTable snapshot() {
        Map<Long, ProcStat> byPid = new LinkedHashMap<>();
        for (long pid : ProcFs.pids()) {
            ProcStat stat = ProcFs.stat(pid);
            if (stat != null) {
                byPid.put(pid, stat);
            }
        }
        return new ProcessTable(byPid);
    }

    /** Reads {@code pids} only (a session's cgroup's members: all its processes, none else); those gone are left out. */
    public static ProcessTable of(Iterable<Long> pids) {
        Map<Long, ProcStat> byPid = new LinkedHashMap<>();
        for (long pid : pids) {
            ProcStat stat = ProcFs.stat(pid);
            if (stat != null) {
                byPid.put(pid, stat);
            }
        }
        return new ProcessTable(byPid);
    }

    public ProcStat get(long pid) {
        return byPid.get(pid);
    }

    public Collection<ProcStat> all() {
        return byPid.values();
    }

    /** The entries whose parent is {@code pid}. */
    public List<ProcStat> childrenOf(long pid) {
        return children().getOrDefault(pid, List.of());
    }

    /**
     * The live descendants of {@code pid} (not itself), parents before children. The root must
     * still have the start time the caller knows, or its "children" would be a stranger's.
     */
    public List<ProcStat> descendantsOf(long pid, long startTicks) {
        List<ProcStat> result = new ArrayList<>();
        ProcStat root = byPid.get(pid);
        if (root == null || root.startTicks() != startTicks) {
            return result;
        }
        Deque<ProcStat> queue = new ArrayDeque<>();
        queue.add(root);
        while (!queue.isEmpty()) {
            ProcStat parent = queue.poll();
            for (ProcStat child : childrenOf(parent.pid())) {
                // a child cannot be older than its parent; one that is, is a reused PID's leftover
                if (child.startTicks() >= parent.startTicks() && child.pid() != pid) {
                    result.add(child);
                    queue.add(child);
                }
            }
        }
        return result;
    }
}
