package dev.reap.agent.session;

import dev.reap.agent.proc.OwnSpawns;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The live children of this JVM, by PID, and the processes of it the spawn hook did not see
 * ({@link Adopted}: taken over at attach, or native spawns and their descendants).
 *
 * <p>Exited children are dropped as the registry grows: whenever it holds twice as many entries
 * as were alive at the last pruning (and at least {@value #MIN_PRUNE_SIZE}), the exited ones
 * go. That bounds the registry by what is alive, like removing each child on its exit event,
 * without paying for an exit future (and the JDK's fork-join pool) on every spawn.
 * {@code Process.isAlive()} reads a field the JDK's reaper thread sets: no system call.
 */
public final class Registry {
    /**
     * Small: a dead child's {@code Process} holds its pipes' buffers (some 16 KB), so this many
     * of them are what the registry may keep beyond the live ones (measured: at 64, about 1 MB).
     */
    static final int MIN_PRUNE_SIZE = 16;

    private final ConcurrentHashMap<Long, Child> children = new ConcurrentHashMap<>();
    /** Spawned after the exit began: the watchdog's, once the JVM is gone (see {@code SessionTargets.atExit}). */
    private final ConcurrentHashMap<Long, Child> afterExit = new ConcurrentHashMap<>();
    /** Guarded by itself: by PID, parents before children. */
    private final Map<Long, Adopted> known = new LinkedHashMap<>();
    private final Object counts = new Object();
    private long recorded;
    private int pruneAt = MIN_PRUNE_SIZE;

    public void record(Child child) {
        children.put(child.pid(), child);
        boolean prune;
        synchronized (counts) {
            recorded++;
            prune = children.size() >= pruneAt;
        }
        if (prune) {
            int alive = prune();
            synchronized (counts) {
                pruneAt = Math.max(MIN_PRUNE_SIZE, 2 * alive);
            }
        }
    }

    /** Records a child spawned after the exit began. */
    public void recordAfterExitBegan(Child child) {
        afterExit.put(child.pid(), child);
    }

    /** The children spawned after the exit began (some may have exited). */
    public List<Child> afterExitBegan() {
        return new ArrayList<>(afterExit.values());
    }

    /** Drops exited children; returns how many are left. */
    private int prune() {
        int alive = 0;
        for (Iterator<Map.Entry<Long, Child>> it = children.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Child> e = it.next();
            if (e.getValue().process().isAlive()) {
                alive++;
            } else {
                it.remove();
            }
        }
        return alive;
    }

    /**
     * Takes over what the JVM had spawned before the agent was attached, leaving out any the
     * hook has recorded meanwhile. Returns what was adopted.
     */
    public List<Adopted> adopt(List<Adopted> found) {
        List<Adopted> fresh = new ArrayList<>();
        for (Adopted a : found) {
            if (know(a)) {
                fresh.add(a);
            }
        }
        return fresh;
    }

    /**
     * Adds a process the hook did not record (see {@link Adopted}); false when it is known already,
     * by that PID and start time, or recorded.
     */
    public boolean know(Adopted process) {
        if (children.containsKey(process.pid())) {
            return false;
        }
        synchronized (known) {
            Adopted before = known.get(process.pid());
            if (before != null && before.startTicks() == process.startTicks()) {
                return false;
            }
            known.put(process.pid(), process);
        }
        synchronized (counts) {
            recorded++;
        }
        return true;
    }

    /** The processes known by PID and start time, parents before children (some may have exited since). */
    public List<Adopted> adopted() {
        synchronized (known) {
            return new ArrayList<>(known.values());
        }
    }

    /** Drops the known processes {@code alive} says are gone. */
    public void forgetUnless(Predicate<Adopted> alive) {
        synchronized (known) {
            for (Iterator<Adopted> it = known.values().iterator(); it.hasNext(); ) {
                if (!alive.test(it.next())) {
                    it.remove();
                }
            }
        }
    }

    /** The children recorded and still alive. */
    public List<Child> live() {
        prune();
        return new ArrayList<>(children.values());
    }

    /** How many recorded children are alive. */
    public int liveCount() {
        return prune();
    }

    /** How many entries the registry holds now, exited ones not yet pruned included. */
    public int size() {
        return children.size();
    }

    /** How many spawns were recorded (or processes adopted) in this JVM's life. */
    public long recordedCount() {
        synchronized (counts) {
            return recorded;
        }
    }

    /** True when {@code pid} (this JVM) has a live child that is neither recorded nor one of the agent's own. */
    public boolean hasUnrecordedChild(long pid) {
        for (long child : OwnSpawns.othersAmongChildrenOf(pid)) {
            if (get(child) == null) {
                return true;
            }
        }
        return false;
    }

    /** The recorded child by PID (alive or not yet pruned), or null. */
    public Child get(long pid) {
        Child child = children.get(pid);
        return child != null ? child : afterExit.get(pid);
    }
}
