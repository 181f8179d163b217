package dev.reap.agent.reap;

import dev.reap.agent.session.Adopted;
import dev.reap.agent.session.Child;
import dev.reap.agent.session.Session;
import dev.reap.agent.session.SpawnSite;

import java.util.Locale;

/**
 * Why a process is ours to reap, and what is known of its spawn: the exit hook knows the spawn
 * site, the watchdog only the recorded PID, the sweep only the dead session whose tag it carries.
 */
public final class Origin {
    /** How the process was found. */
    public enum Kind { CHILD, DESCENDANT, TAGGED, CGROUP, LEFTOVER, ORPHAN }

    private final Kind kind;
    /** The recorded child it is or descends from; 0 when none. */
    private final long spawnedBy;
    /** When that child was spawned (epoch millis); -1 when unknown. */
    private final long spawnedAtMillis;
    private final SpawnSite site;
    /** For a sweep: the dead session whose tag it carries. */
    private final String session;
    /** The JUnit test or class that spawned it (or its ancestor), or null. */
    private final String test;

    private Origin(Kind kind, long spawnedBy, long spawnedAtMillis, SpawnSite site, String session, String test) {
        this.kind = kind;
        this.spawnedBy = spawnedBy;
        this.spawnedAtMillis = spawnedAtMillis;
        this.site = site;
        this.session = session;
        this.test = test;
    }

    private Origin(Kind kind, long spawnedBy, long spawnedAtMillis, SpawnSite site, String session) {
        this(kind, spawnedBy, spawnedAtMillis, site, session, null);
    }

    public static Origin child(Child child) {
        return new Origin(Kind.CHILD, child.pid(), child.spawnedAtMillis(), child.site(), null, child.test());
    }

    public static Origin descendantOf(Child child) {
        return new Origin(Kind.DESCENDANT, child.pid(), child.spawnedAtMillis(), child.site(), null, child.test());
    }

    /**
     * A process the spawn hook did not see (adopted at attach, or a native spawn): a child of the
     * host, or a descendant of one (named by its parent).
     */
    public static Origin adopted(Adopted adopted) {
        return adopted.directChild()
                ? new Origin(Kind.CHILD, adopted.pid(), adopted.startedAtMillis(), adopted.site(), null)
                : new Origin(Kind.DESCENDANT, adopted.parentPid(), adopted.startedAtMillis(), adopted.site(), null);
    }

    /** A child of the host its spawn hook did not record, found in the process table. */
    public static Origin nativeSpawn(long pid) {
        return new Origin(Kind.CHILD, pid, -1, SpawnSite.NATIVE, null);
    }

    public static Origin descendantOfNative(long pid) {
        return new Origin(Kind.DESCENDANT, pid, -1, SpawnSite.NATIVE, null);
    }

    /** A child the watchdog was told of: PID only, the site stayed in the dead host. */
    public static Origin recorded(long pid) {
        return new Origin(Kind.CHILD, pid, -1, SpawnSite.UNKNOWN, null);
    }

    public static Origin descendantOf(long pid) {
        return new Origin(Kind.DESCENDANT, pid, -1, SpawnSite.UNKNOWN, null);
    }

    /** Found by its session's tag, or ({@code test} not null) the tag of the JUnit test that spawned it or its ancestor. */
    public static Origin taggedBy(String test) {
        return taggedBy(test, null);
    }

    /** As {@link #taggedBy(String)}, with the site of the spawn it came from, when that is known (may be null). */
    public static Origin taggedBy(String test, SpawnSite site) {
        return new Origin(Kind.TAGGED, 0, -1, site, null, test);
    }

    /** Found by a sweep: tagged with {@code session}, whose JVM is dead. */
    /** Found in the session's cgroup: it had left the process tree, and its tag with it. */
    public static Origin inCgroup() {
        return new Origin(Kind.CGROUP, 0, -1, null, null);
    }

    public static Origin leftoverOf(String session) {
        return new Origin(Kind.LEFTOVER, 0, -1, null, session);
    }

    /** Found by the sweep's heuristic (orphan, directory, pattern). */
    public static Origin orphan() {
        return new Origin(Kind.ORPHAN, 0, -1, null, null);
    }

    public Kind kind() { return kind; }

    /** The PID of the recorded child it is or descends from; 0 when none. */
    public long spawnedBy() { return spawnedBy; }

    /** Epoch millis of its spawn; -1 when unknown. */
    public long spawnedAtMillis() { return spawnedAtMillis; }

    /** The spawn site when it is known, else null. */
    public SpawnSite site() { return site != null && site.known() ? site : null; }

    /** The dead session a sweep found it tagged with, else null. */
    public String session() { return session; }

    /** The JUnit test ({@code com.acme.ServerIT#starts()}) or class that spawned it, else null. */
    public String test() { return test; }

    /** {@code spawned at com.acme.ServerIT.start(ServerIT.java:42)} */
    public String describe() {
        return test == null ? describeSpawn() : describeSpawn() + " in " + test;
    }

    /** {@link #describe()} without the test: for a line that names the test already. */
    public String describeSpawn() {
        if (kind == Kind.CHILD) {
            return site == SpawnSite.BEFORE_ATTACH ? "spawned before attach"
                    : site == SpawnSite.NATIVE ? "a native spawn (not through ProcessBuilder)"
                    : site == SpawnSite.UNKNOWN && spawnedAtMillis < 0 ? "spawned by the host"
                    : "spawned at " + site;
        }
        if (kind == Kind.DESCENDANT) {
            return "started by pid " + spawnedBy + (site == SpawnSite.BEFORE_ATTACH ? " before attach"
                    : site == SpawnSite.NATIVE ? ", a native spawn"
                    : spawnedAtMillis < 0 ? "" : " spawned at " + site);
        }
        if (kind == Kind.CGROUP) {
            return "found in the session's cgroup (it left the process tree and its tag)";
        }
        if (kind == Kind.LEFTOVER) {
            return "left by dead session " + session;
        }
        return kind == Kind.ORPHAN ? "an orphan matching the sweep's pattern"
                : site != null && site.known() ? "orphaned by a spawn at " + site : "found by its " + Session.TAG + " tag";
    }

    public String kindName() {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
