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
    private final List<Child> children = new ArrayList<>();
    /** Given at its first tagged spawn ({@link TestScopes#tagForCurrentThread}); guarded by this. */
    private String tag;
    private long startTicks;
    private int spawns;
    private Child first;
    private int pruneAt = MIN_PRUNE_SIZE;
    /** As in the registry: exited children go as the list grows, so a test spawning thousands keeps it small. */
    private static final int MIN_PRUNE_SIZE = 16;

    TestScope(String name, TestScope parent, TestScope previousOnThread) {
        this.name = name;
        this.parent = parent;
        this.previousOnThread = previousOnThread;
    }

    /**
     * The value of {@value Session#SCOPE_TAG} for its children, or null when it has spawned
     * none with a tag yet.
     */
    public synchronized String tag() {
        return tag;
    }

    /**
     * Gives it {@code newTag} unless it has one, with {@code ticks} (clock ticks after boot) as the
     * earliest start of a process carrying it; its tag.
     */
    synchronized String tag(String newTag, long ticks) {
        if (tag == null) {
            tag = newTag;
            startTicks = ticks;
        }
        return tag;
    }

    synchronized long startTicks() {
        return startTicks;
    }

    synchronized boolean spawnedAny() {
        return spawns > 0;
    }

    /** Where its one spawn was made; null when it made none or several (a process found by the scope's tag alone could be any one's). */
    synchronized String onlySite() {
        return spawns == 1 ? first.site().toString() : null;
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
        first = spawns++ == 0 ? child : null;
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
