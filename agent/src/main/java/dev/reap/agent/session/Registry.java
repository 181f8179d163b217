package dev.reap.agent.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The live children of this JVM, by PID. An entry leaves when its process exits, so a JVM that
 * spawns millions of short-lived processes keeps a registry the size of what is alive.
 */
public final class Registry {
    private final ConcurrentHashMap<Long, Child> live = new ConcurrentHashMap<>();
    private final AtomicLong recorded = new AtomicLong();

    public void record(Child child) {
        live.put(child.pid(), child);
        recorded.incrementAndGet();
        child.process().onExit().whenComplete(new Forget(child));
    }

    /** The children recorded and not yet seen to exit. */
    public List<Child> live() {
        return new ArrayList<>(live.values());
    }

    public int liveCount() {
        return live.size();
    }

    /** How many spawns were recorded in this JVM's life. */
    public long recordedCount() {
        return recorded.get();
    }

    /** The registered child by PID, or null. */
    public Child get(long pid) {
        return live.get(pid);
    }

    private final class Forget implements BiConsumer<Process, Throwable> {
        private final Child child;

        Forget(Child child) {
            this.child = child;
        }

        @Override
        public void accept(Process process, Throwable failure) {
            live.remove(child.pid(), child);
        }
    }
}
