package dev.reap.agent.sweep;

import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.proc.ProcessTable;
import dev.reap.agent.session.Session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One pass over {@code /proc}: every process of the current user that carries a session tag,
 * grouped by the session that owns it, and whether that session's JVM is alive (its PID still
 * names a process with the session's start time). Entries that vanish or turn unreadable
 * mid-scan are skipped; other users' processes are never listed.
 *
 * <p>It reads one file per process, the environment (some 16 us each on a 2-core VM); only
 * tagged processes cost more (their stat, owner and command line), and for a sweep only those of
 * dead sessions. Kernel threads have an empty environment and drop out there.
 */
public final class SessionScan {
    private final Map<String, List<TaggedProcess>> byOwner = new LinkedHashMap<>();
    private final Map<Long, ProcStat> stats = new HashMap<>();
    private final long[] pids;
    private int scanned;
    private ProcessTable table;

    private SessionScan(long[] pids) {
        this.pids = pids;
    }

    /** Scans now, every session's processes; {@code self} (this JVM) is never listed. */
    public static SessionScan now(long self) {
        return now(self, false);
    }

    /** Scans now, only the processes of dead sessions (what a sweep needs). */
    public static SessionScan deadSessions(long self) {
        return now(self, true);
    }

    private static SessionScan now(long self, boolean deadOnly) {
        SessionScan scan = new SessionScan(ProcFs.pids());
        long[] mine = ProcFs.userIds(self);
        for (long pid : scan.pids) {
            if (pid == self) {
                continue;
            }
            scan.scanned++;
            String tag = ProcFs.environmentVariable(pid, Session.TAG);
            if (tag == null || tag.isEmpty()) {
                continue;
            }
            if (deadOnly && scan.alive(TaggedProcess.ownerOf(tag))) {
                continue;
            }
            ProcStat stat = scan.stat(pid);
            if (stat == null || stat.exited() || !sameUser(mine, ProcFs.userIds(pid))) {
                continue;
            }
            TaggedProcess p = new TaggedProcess(stat, tag, ProcFs.commandLine(pid));
            scan.byOwner.computeIfAbsent(p.owner(), k -> new ArrayList<>()).add(p);
        }
        return scan;
    }

    private static boolean sameUser(long[] mine, long[] theirs) {
        return mine != null && theirs != null && theirs[0] == mine[1] && theirs[1] == mine[1];
    }

    private ProcStat stat(long pid) {
        return stats.computeIfAbsent(pid, ProcFs::stat);
    }

    /** Tagged processes by owning session, in the order found. */
    public Map<String, List<TaggedProcess>> byOwner() {
        return byOwner;
    }

    /** True when the session's JVM is alive: its PID names a live process with its start time. */
    public boolean alive(String sessionId) {
        Session session = Session.parse(sessionId);
        if (session == null) {
            // not a session id this agent wrote: never judge it dead
            return true;
        }
        ProcStat stat = stat(session.pid());
        return stat != null && !stat.exited() && stat.startTicks() == session.startTime();
    }

    /** The whole process table (read on first use: the orphan heuristic and {@code ps} need it). */
    public ProcessTable table() {
        if (table == null) {
            table = ProcessTable.snapshot();
        }
        return table;
    }

    /** How many processes were looked at. */
    public int scanned() {
        return scanned;
    }
}
