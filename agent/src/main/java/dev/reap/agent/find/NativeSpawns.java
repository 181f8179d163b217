package dev.reap.agent.find;

import dev.reap.agent.proc.OwnSpawns;
import dev.reap.agent.proc.ProcEnviron;
import dev.reap.agent.proc.ProcClock;
import dev.reap.agent.proc.ProcDetails;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.proc.SessionCgroup;
import dev.reap.agent.session.Adopted;
import dev.reap.agent.session.Child;
import dev.reap.agent.session.Registry;
import dev.reap.agent.session.Session;
import dev.reap.agent.session.SpawnSite;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Finds, while they live, the JVM's children that its spawn hook did not record (started through
 * JNA, the FFM API or JNI: NuProcess, pty4j, jnr-process), and the descendants of every process
 * known by PID (those and the ones adopted at attach; with {@code reap.tag=false}, the recorded
 * children too). Such a process carries no tag: once its
 * parent is gone (a library's own shutdown hook kills its direct children first), only what was
 * learnt here names it. Each look reads the {@code children} files of the JVM's threads and of
 * the known processes: no scan of the whole process table.
 */
public final class NativeSpawns implements Predicate<Adopted> {
    /** Bounds one look's walk of the known processes' descendants. */
    private static final int MAX_KNOWN = 4_096;

    private final Session session;
    private final Registry registry;
    /** With {@code reap.tag=false}: the recorded children's descendants are followed too, the tag cannot find them. */
    private final boolean followRecorded;
    /** Unrecorded children seen by the last look, PID to start time. */
    private Map<Long, Long> seenOnce = new HashMap<>();
    /** The session cgroup's members the watchdog was told of, PID to start time. */
    private final Map<Long, Long> told = new HashMap<>();

    public NativeSpawns(Session session, Registry registry, boolean followRecorded) {
        this.session = session;
        this.registry = registry;
        this.followRecorded = followRecorded;
    }

    /**
     * True when {@code stat}, a live child of the JVM neither recorded nor one of the agent's own,
     * is a native spawn: younger than the JVM (not left by the shell that exec'd java) and not a
     * {@code ProcessBuilder} spawn under way (the JDK's {@code jspawnhelper}, a fork not yet
     * exec'd: it runs the JVM's own executable, under its thread's name; a child with the
     * session's tag not yet recorded), whose {@code start()} would fail if it were signalled, nor
     * possibly one of the agent's own being started. At exit and in the look alike.
     */
    static boolean isNativeSpawn(ProcStat stat, Session session) {
        if (stat.exited() || stat.startTicks() <= ProcClock.jvmStartTicks() || OwnSpawns.starting()) {
            return false;
        }
        String name = ProcDetails.name(stat.pid());
        if ("jspawnhelper".equals(name) || String.valueOf(ProcDetails.name(session.pid())).equals(name)) {
            return false;
        }
        java.nio.file.Path exe = ProcDetails.executable(stat.pid());
        return (exe == null || !exe.equals(ProcDetails.executable(session.pid())))
                && !session.tags(ProcEnviron.settledVariable(stat.pid(), Session.TAG));
    }

    /** One look; returns what it learnt of (and the registry now knows), parents before children. */
    public List<Adopted> look() {
        List<Adopted> fresh = new ArrayList<>();
        Map<Long, Long> seen = new HashMap<>();
        for (long pid : ProcFs.childrenOf(session.pid())) {
            ProcStat stat = registry.get(pid) != null || OwnSpawns.isOwn(pid) ? null : ProcFs.stat(pid);
            if (stat == null || stat.exited()) {
                continue;
            }
            seen.put(pid, stat.startTicks());
            // seen by two looks: a ProcessBuilder spawn is recorded the moment it has started
            Long before = seenOnce.get(pid);
            if (before != null && before == stat.startTicks() && isNativeSpawn(stat, session)) {
                know(stat, true, SpawnSite.NATIVE, fresh);
            }
        }
        seenOnce = seen;
        registry.forgetUnless(this);
        Deque<Adopted> walk = new ArrayDeque<>(registry.adopted());
        if (followRecorded) {
            for (Child c : registry.live()) {
                ProcStat stat = ProcFs.stat(c.pid());
                if (stat != null && !stat.exited()) {
                    walk.add(new Adopted(c.pid(), stat.startTicks(), session.pid(), true, c.commandLine(),
                            c.spawnedAtMillis(), null, c.site()));
                }
            }
        }
        for (int walked = 0; !walk.isEmpty() && walked < MAX_KNOWN; walked++) {
            Adopted parent = walk.poll();
            for (long pid : ProcFs.childrenOf(parent.pid())) {
                ProcStat stat = ProcFs.stat(pid);
                if (stat != null && !stat.exited() && stat.startTicks() >= parent.startTicks()
                        && stat.parentPid() == parent.pid() && !OwnSpawns.isOwn(pid)) {
                    Adopted child = know(stat, false, parent.site(), fresh);
                    if (child != null) {
                        walk.add(child);
                    }
                }
            }
        }
        return fresh;
    }

    /** {@code site}: how the JVM started it or its ancestor. */
    private Adopted know(ProcStat stat, boolean directChild, SpawnSite site, List<Adopted> fresh) {
        Adopted process = new Adopted(stat.pid(), stat.startTicks(), stat.parentPid(), directChild,
                ProcFs.commandLine(stat.pid()), ProcClock.epochMillis(stat.startTicks()), null, site);
        if (!registry.know(process)) {
            return null;
        }
        fresh.add(process);
        return process;
    }

    /**
     * The processes in the session's {@code cgroup} this look sees for the first time that are
     * not the JVM, its own helpers (nor possibly one being started), recorded children or known by
     * PID, and that started after the session did (an older one was moved in by root, and is not
     * ours): what left the tree (a daemon whose parent exited), for the watchdog, which without
     * them would not know to stay.
     */
    public List<ProcStat> newIn(SessionCgroup cgroup) {
        List<ProcStat> fresh = new ArrayList<>();
        if (OwnSpawns.starting()) {
            return fresh;
        }
        Set<Long> seen = new HashSet<>();
        for (long pid : cgroup.members()) {
            ProcStat stat = pid == session.pid() || registry.get(pid) != null || OwnSpawns.isOwn(pid) ? null
                    : ProcFs.stat(pid);
            if (stat == null || stat.exited() || !cgroup.holdsAsItsOwn(stat)) {
                continue;
            }
            Long before = told.put(pid, stat.startTicks());
            if (before == null || before != stat.startTicks()) {
                fresh.add(stat);
            }
            seen.add(pid);
        }
        told.keySet().retainAll(seen);
        return fresh;
    }

    /** Whether a known process is still the one it was. */
    @Override
    public boolean test(Adopted known) {
        return known.handle() != null ? known.handle().isAlive() : ProcFs.isAlive(known.pid(), known.startTicks());
    }
}
