package dev.reap.agent.sweep;

import dev.reap.agent.proc.Namespace;
import dev.reap.agent.proc.ProcEnviron;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.proc.ProcessTable;
import dev.reap.agent.session.Session;

import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One pass over {@code /proc}: every process of the current user that carries a well-formed
 * session tag, grouped by the session that owns it, and the verdict on each session (see
 * {@link #judge}). Entries that vanish or turn unreadable mid-scan are skipped; other users'
 * processes, and processes whose tag is malformed, are never listed.
 *
 * <p>It reads one file per process, the environment (some 16 us each on a 2-core VM); only
 * tagged processes cost more (their stat, owner and command line), and for a sweep only those of
 * dead sessions. Kernel threads have an empty environment and drop out there.
 */
public final class SessionScan {
    private final Map<String, List<TaggedProcess>> byOwner = new LinkedHashMap<>();
    private final Map<Long, ProcStat> stats = new HashMap<>();
    private final Map<String, Verdict> verdicts = new HashMap<>();
    private final long[] pids;
    private final String view = Namespace.current();
    private Boolean seesEveryProcess;
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
            List<String> chain = Session.chainOf(ProcEnviron.variable(pid, Session.TAG));
            if (chain == null || deadOnly && scan.judge(chain.get(chain.size() - 1)) != Verdict.DEAD) {
                continue;
            }
            ProcStat stat = scan.stat(pid);
            if (stat == null || stat.exited() || !ProcFs.sameUser(mine, ProcFs.userIds(pid))) {
                continue;
            }
            TaggedProcess p = new TaggedProcess(stat, chain, ProcFs.commandLine(pid));
            scan.byOwner.computeIfAbsent(p.owner(), k -> new ArrayList<>()).add(p);
        }
        return scan;
    }

    private ProcStat stat(long pid) {
        return stats.computeIfAbsent(pid, ProcFs::stat);
    }

    /** Tagged processes by owning session, in the order found. */
    public Map<String, List<TaggedProcess>> byOwner() {
        return byOwner;
    }

    /** What can be known of a session's JVM from here; only {@link #DEAD} lets anyone touch its processes. */
    public enum Verdict {
        LIVE("live"),
        /** Its PID names no process, or one that started later: the JVM is gone. */
        DEAD("DEAD"),
        /** Its PID and start time are another PID or time namespace's (a container's), or another boot's. */
        OTHER_NAMESPACE("other namespace"),
        /** Not to be judged: an id without a namespace, or one no JVM can have had (forged). */
        UNKNOWN("unknown");

        private final String label;

        Verdict(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /**
     * The verdict on a session. It is judged only by a process of the same view
     * ({@link Namespace}); a PID that cannot be read, or is missing where {@code hidepid} hides
     * other users' processes, may still be alive; PID 1 outlives everything in its namespace, so a session naming it is
     * alive or forged; and a PID now held by a process that started before the session's start
     * time cannot have been reused: the id is forged.
     */
    public Verdict judge(String sessionId) {
        return verdicts.computeIfAbsent(sessionId, this::verdictOn);
    }

    private Verdict verdictOn(String sessionId) {
        Session session = Session.parse(sessionId);
        if (session == null || session.view() == null || view == null) {
            return Verdict.UNKNOWN;
        }
        if (!session.view().equals(view)) {
            return Verdict.OTHER_NAMESPACE;
        }
        ProcStat holder = stat(session.pid());
        if (holder == null && (ProcFs.exists(session.pid()) || !seesEveryProcessMemo())) {
            // unreadable, or perhaps hidden (hidepid): not the same as gone
            return Verdict.UNKNOWN;
        }
        if (holder == null || holder.exited()) {
            return session.pid() == 1 ? Verdict.UNKNOWN : Verdict.DEAD;
        }
        if (holder.startTicks() == session.startTime()) {
            return Verdict.LIVE;
        }
        return holder.startTicks() > session.startTime() && session.pid() != 1 ? Verdict.DEAD : Verdict.UNKNOWN;
    }

    private boolean seesEveryProcessMemo() {
        if (seesEveryProcess == null) {
            seesEveryProcess = everyProcessVisible();
        }
        return seesEveryProcess;
    }

    /**
     * True when this process may see every process in its {@code /proc}: root, or a {@code /proc}
     * mounted without {@code hidepid}. Where others' processes are hidden, a PID that cannot be
     * read may still be alive.
     */
    static boolean everyProcessVisible() {
        long[] ids = ProcFs.ownUserIds();
        if (ids != null && ids[1] == 0) {
            return true;
        }
        byte[] mounts = ProcFs.read("/proc/self/mountinfo", 1 << 16);
        if (mounts == null) {
            return false;
        }
        for (String line : new String(mounts, StandardCharsets.ISO_8859_1).split("\n")) {
            List<String> fields = Arrays.asList(line.split(" "));
            int dash = fields.indexOf("-");
            if (fields.size() > 4 && "/proc".equals(fields.get(4)) && dash > 0 && fields.size() > dash + 3
                    && "proc".equals(fields.get(dash + 1))) {
                for (String option : fields.get(dash + 3).split(",")) {
                    if (option.startsWith("hidepid=") && !option.equals("hidepid=0") && !option.equals("hidepid=off")) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** True unless the session is known to be dead. */
    public boolean alive(String sessionId) {
        return judge(sessionId) != Verdict.DEAD;
    }

    /**
     * True when {@code p} is what its dead owner left: it started after the session did (a real
     * tag is only inherited from the session's JVM) and, when the session's PID is taken again, no
     * later than the process that took it. Anything else carries a copied or forged tag.
     */
    public boolean leftover(TaggedProcess p) {
        Session session = Session.parse(p.owner());
        if (session == null || judge(p.owner()) != Verdict.DEAD || p.startTicks() < session.startTime()) {
            return false;
        }
        ProcStat holder = stat(session.pid());
        return holder == null || holder.exited() || p.startTicks() <= holder.startTicks();
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
