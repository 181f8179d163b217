package dev.reap.agent.sweep;

import dev.reap.agent.find.TaggedScan;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.proc.ProcessTable;
import dev.reap.agent.session.Session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One pass over {@code /proc}: every process of the current user that carries a session tag,
 * grouped by the session that owns it, and whether that session's JVM is alive (its PID still
 * names a process with the session's start time). Entries that vanish or turn unreadable
 * mid-scan are skipped; other users' processes are never listed.
 */
public final class SessionScan {
    private final ProcessTable table;
    private final Map<String, List<TaggedProcess>> byOwner = new LinkedHashMap<>();
    private int scanned;

    private SessionScan(ProcessTable table) {
        this.table = table;
    }

    /** Scans now; {@code self} (this JVM) is never listed. */
    public static SessionScan now(long self) {
        SessionScan scan = new SessionScan(ProcessTable.snapshot());
        long[] mine = ProcFs.userIds(self);
        for (ProcStat stat : TaggedScan.candidates(scan.table, 0, self)) {
            scan.scanned++;
            String tag = ProcFs.environmentVariable(stat.pid(), Session.TAG);
            if (tag == null || tag.isEmpty() || !sameUser(mine, ProcFs.userIds(stat.pid()))) {
                continue;
            }
            TaggedProcess p = new TaggedProcess(stat, tag, ProcFs.commandLine(stat.pid()));
            scan.byOwner.computeIfAbsent(p.owner(), k -> new ArrayList<>()).add(p);
        }
        return scan;
    }

    private static boolean sameUser(long[] mine, long[] theirs) {
        return mine != null && theirs != null && theirs[0] == mine[1] && theirs[1] == mine[1];
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
        ProcStat stat = table.get(session.pid());
        return stat != null && !stat.exited() && stat.startTicks() == session.startTime();
    }

    /** The snapshot the scan was made from. */
    public ProcessTable table() {
        return table;
    }

    /** How many processes were looked at. */
    public int scanned() {
        return scanned;
    }
}
