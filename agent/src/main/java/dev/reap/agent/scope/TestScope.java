package dev.reap.agent.scope;

import dev.reap.agent.session.Child;
import dev.reap.agent.session.Session;

import java.util.ArrayList;
import java.util.List;

/**
 * A running JUnit test or test class (or the run itself), and the children spawned on its
 * threads. Each thread remembers the scope it had before this one started on it, to go back to
 * it when this one finishes.
 */
public final class TestScope {
    private final String name;
    private final TestScope parent;
    private final TestScope previousOnThread;
    private final String tag;
    private final long startTicks;
    private final List<Child> children = new ArrayList<>();
    private boolean spawnedAny;
    private int pruneAt = MIN_PRUNE_SIZE;
    /** As in the registry: exited children go as the list grows, so a test spawning thousands keeps it small. */
    private static final int MIN_PRUNE_SIZE = 16;

    /**
     * {@code tag}: the value of {@value Session#SCOPE_TAG} its children get ({@code reap.scope=test}),
     * or null; {@code startTicks}: when it started, in clock ticks after boot (0 when unknown).
     */
    TestScope(String name, TestScope parent, TestScope previousOnThread, String tag, long startTicks) {
        this.name = name;
        this.parent = parent;
        this.previousOnThread = previousOnThread;
        this.tag = tag;
        this.startTicks = startTicks;
    }

    /** The value of {@value Session#SCOPE_TAG} for its children, or null when they get none. */
    public String tag() {
        return tag;
    }

    long startTicks() {
        return startTicks;
    }

    synchronized boolean spawnedAny() {
        return spawnedAny;
    }

    /** {@code com.acme.ServerIT#starts()} or {@code com.acme.ServerIT}; null for the run itself. */
    public String name() {
        return name != null || parent == null ? name : parent.name();
    }

    TestScope parent() {
        return parent;
    }

    TestScope previousOnThread() {
        return previousOnThread;
    }

    /** Called on the spawning thread. */
    public synchronized void spawned(Child child) {
        children.add(child);
        spawnedAny = true;
        if (children.size() >= pruneAt) {
            for (java.util.Iterator<Child> it = children.iterator(); it.hasNext(); ) {
                if (!it.next().process().isAlive()) {
                    it.remove();
                }
            }
            pruneAt = Math.max(MIN_PRUNE_SIZE, 2 * children.size());
        }
    }

    /** How many children it holds now, exited ones not yet pruned included. */
    synchronized int size() {
        return children.size();
    }

    /** The children spawned in this scope that are still alive. */
    synchronized List<Child> liveChildren() {
        List<Child> live = new ArrayList<>();
        for (Child c : children) {
            if (c.process().isAlive()) {
                live.add(c);
            }
        }
        return live;
    }

    @Override
    public String toString() {
        String n = name();
        return n == null ? "the test run" : n;
    }
}
