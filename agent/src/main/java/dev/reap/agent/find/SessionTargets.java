package dev.reap.agent.find;

import dev.reap.agent.proc.OwnSpawns;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.proc.ProcessTable;
import dev.reap.agent.proc.SessionCgroup;
import dev.reap.agent.reap.Origin;
import dev.reap.agent.reap.Target;
import dev.reap.agent.session.Adopted;
import dev.reap.agent.session.Child;
import dev.reap.agent.session.Session;
import dev.reap.agent.session.SpawnSite;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a session must reap, found from one {@code /proc} snapshot taken before any signal: its
 * recorded processes, their descendants (a dead parent's children are re-parented, so the
 * snapshot must come first), and live processes tagged with it (a {@code setsid} daemon a child
 * started). The exit hook, the watchdog and a JUnit test's end share it. Without a usable
 * {@code /proc}: the recorded children and their descendants by {@link ProcessHandle}.
 */
public final class SessionTargets {
    private SessionTargets() {
    }

    /**
     * At exit: the live recorded and adopted processes, the JVM's children the hook did not record
     * (native spawns), their descendants, and the session's tagged processes; not {@code spared}
     * (spawned after the exit began: another shutdown hook's helper must be let do its job), nor
     * the JVM's children started at or after {@code spareFromTicks} (spawns still under way), nor
     * their descendants: the watchdog reaps those once the JVM is gone. With the session's
     * {@code cgroup} (may be null), also what it holds: whatever left the tree and its tag.
     * {@code tests} (may be null) names the test of a process found by its tag.
     */
    public static List<Target> atExit(Session session, List<Child> children, List<Adopted> adopted,
                                      List<Child> spared, long spareFromTicks, SessionCgroup cgroup, ScopeTags tests) {
        if (!ProcFs.available()) {
            return HandleTargets.of(children, adopted);
        }
        List<Root> roots = rootsOf(children);
        for (Adopted a : adopted) {
            roots.add(new Root(a.pid(), a.startTicks(), null, null, Origin.adopted(a),
                    a.site() == SpawnSite.NATIVE ? Origin.descendantOfNative(a.pid()) : Origin.descendantOf(a.pid())));
        }
        return collect(ProcessTable.snapshot(), roots, spared, spareFromTicks, session, null, session.startTime(), session.pid(),
                tests, cgroup);
    }

    /**
     * For the watchdog, after its JVM's death: the PIDs it was told of, with their start times,
     * and what the session's {@code cgroup} (may be null) holds.
     */
    public static List<Target> afterHostDeath(Session session, Map<Long, Long> startTicksByPid, SessionCgroup cgroup) {
        List<Root> roots = new ArrayList<>();
        for (Map.Entry<Long, Long> e : startTicksByPid.entrySet()) {
            roots.add(new Root(e.getKey(), e.getValue(), null, null, Origin.recorded(e.getKey()),
                    Origin.descendantOf(e.getKey())));
        }
        return collect(ProcessTable.snapshot(), roots, null, 0, session, null, session.startTime(), session.pid(), null, cgroup);
    }

    /**
     * At the end of a JUnit test: its live children and their descendants, and the processes
     * started since {@code sinceTicks} whose {@value Session#SCOPE_TAG} is {@code scopeTag} (none
     * when it is null), without the rest of the session's; {@code tests} names their test. With
     * the session's {@code cgroup} (may be null), only its members are read: every process of the
     * session is one, so a test's end costs a read per process of the session, not per process of
     * the machine.
     */
    public static List<Target> ofTest(List<Child> children, String scopeTag, long sinceTicks, ScopeTags tests,
                                      SessionCgroup cgroup) {
        if (!ProcFs.available()) {
            return HandleTargets.of(children, List.of());
        }
        List<Long> members = cgroup == null ? List.of() : cgroup.members();
        ProcessTable table = members.isEmpty() ? ProcessTable.snapshot() : ProcessTable.of(members);
        return collect(table, rootsOf(children), null, 0, null, scopeTag, sinceTicks, ProcessHandle.current().pid(), tests, null);
    }

    /**
     * What the exit hook leaves to the after-exit watchdog, with their descendants: the children
     * spawned after the exit began (another shutdown hook's helper must be let do its job) and the
     * JVM's children started since {@code fromTicks}.
     */
    private static Set<Long> spared(ProcessTable table, long self, List<Child> children, long fromTicks) {
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

    /** A recorded process: a child (with the JDK's {@link Process}) or one known by PID and start time. */
    private static final class Root {
        final long pid;
        /** -1 for a child: read from the snapshot (the JDK has not waited for it, so its PID is its own). */
        final long startTicks;
        final Process process;
        final String commandLine;
        final Origin self;
        final Origin descendants;

        Root(long pid, long startTicks, Process process, String commandLine, Origin self, Origin descendants) {
            this.pid = pid;
            this.startTicks = startTicks;
            this.process = process;
            this.commandLine = commandLine;
            this.self = self;
            this.descendants = descendants;
        }
    }

    private static List<Root> rootsOf(List<Child> children) {
        List<Root> roots = new ArrayList<>();
        for (Child c : children) {
            if (c.process().isAlive()) {
                roots.add(new Root(c.pid(), -1, c.process(), c.commandLine(), Origin.child(c), Origin.descendantOf(c)));
            }
        }
        return roots;
    }

    /**
     * The roots and their descendants, then the live processes started at or after
     * {@code sinceTicks} whose {@value Session#TAG} names {@code session} (a chain holding it) or
     * whose {@value Session#SCOPE_TAG} equals {@code scopeTag}, all from one snapshot;
     * {@code tests} (may be null) names the test of those by their scope tag. {@code spared} not
     * null: at exit, with the JVM's children that are neither roots nor spared, and without the
     * spared (see {@link #spared}).
     */
    private static List<Target> collect(ProcessTable table, List<Root> roots, List<Child> spared, long spareFromTicks,
                                        Session session, String scopeTag, long sinceTicks, long self, ScopeTags tests,
                                        SessionCgroup cgroup) {
        Map<Long, Target> found = new LinkedHashMap<>();
        List<Root> live = new ArrayList<>();
        Set<Long> skip = spared == null ? new HashSet<>() : spared(table, self, spared, spareFromTicks);
        if (spared != null) {
            roots = withUnrecordedChildren(roots, table, session, sinceTicks, skip);
        }
        // every recorded process first, with its own origin: an adopted grandchild is adopted, not
        // merely its adopted parent's descendant
        for (Root root : roots) {
            ProcStat stat = table.get(root.pid);
            // the current process is never its own target (a watchdog told of itself as it started)
            if (stat == null || stat.exited() || root.startTicks >= 0 && stat.startTicks() != root.startTicks
                    || root.pid == ProcFs.selfPid()) {
                continue;
            }
            String commandLine = root.commandLine != null ? root.commandLine : ProcFs.commandLine(root.pid);
            found.putIfAbsent(root.pid, root.process != null
                    ? Target.child(root.process, stat, commandLine, root.self)
                    : Target.proc(root.pid, stat.startTicks(), commandLine, root.self));
            live.add(root);
        }
        for (Root root : live) {
            ProcStat stat = table.get(root.pid);
            for (ProcStat d : table.descendantsOf(root.pid, stat.startTicks())) {
                found.putIfAbsent(d.pid(), Target.proc(d.pid(), d.startTicks(), ProcFs.commandLine(d.pid()),
                        root.descendants));
            }
        }
        // a tagged child of this JVM that is not a root is a spawn under way (another shutdown hook's,
        // racing the exit): its tag is no reason to signal it, nor what descends from it. A dead
        // host has none: the watchdog can look while it is still exiting, its children not yet
        // re-parented, and those are what it left
        for (ProcStat child : self == ProcFs.selfPid() ? table.childrenOf(self) : List.<ProcStat>of()) {
            if (!found.containsKey(child.pid()) && skip.add(child.pid())) {
                for (ProcStat d : table.descendantsOf(child.pid(), child.startTicks())) {
                    skip.add(d.pid());
                }
            }
        }
        if (session != null || scopeTag != null) {
            BeyondTheTree.addTagged(table, session, scopeTag, sinceTicks, self, tests, found, skip);
        }
        if (cgroup != null) {
            BeyondTheTree.addMembers(table, cgroup, self, found, skip);
        }
        return new ArrayList<>(found.values());
    }

    /**
     * The JVM's own children that are not among the roots, nor spared, nor the agent's own
     * helpers, and are native spawns ({@link NativeSpawns#isNativeSpawn}): started without
     * {@code ProcessBuilder} (JNA, the FFM API, JNI). Ours: the kernel says this JVM is their parent.
     */
    private static List<Root> withUnrecordedChildren(List<Root> roots, ProcessTable table, Session session,
                                                     long sinceTicks, Set<Long> spared) {
        List<Root> all = roots;
        for (ProcStat stat : table.childrenOf(session.pid())) {
            if (stat.startTicks() < sinceTicks || OwnSpawns.isOwn(stat.pid()) || isRoot(roots, stat)
                    || spared.contains(stat.pid()) || !NativeSpawns.isNativeSpawn(stat, session)) {
                continue;
            }
            all = all == roots ? new ArrayList<>(roots) : all;
            all.add(new Root(stat.pid(), stat.startTicks(), null, null, Origin.nativeSpawn(stat.pid()),
                    Origin.descendantOfNative(stat.pid())));
        }
        return all;
    }

    private static boolean isRoot(List<Root> roots, ProcStat stat) {
        for (Root root : roots) {
            if (root.pid == stat.pid()) {
                return true;
            }
        }
        return false;
    }
}
