package dev.reap.agent.proc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Starts the agent's own helper processes ({@code kill}, the signal shell, the watchdog): never
 * recorded, never tagged, so never reaped as if they were the host's. The live ones are known by
 * PID, so that a scan for the JVM's unrecorded children (native spawns) leaves them out.
 */
public final class OwnSpawns {
    private static final ThreadLocal<Boolean> SPAWNING = new ThreadLocal<>();
    /** Guarded by itself; exited ones are dropped on each look-up (there are a handful at most). */
    private static final List<Process> LIVE = new ArrayList<>();
    /** Guarded by {@link #LIVE}: own processes being started, not yet in it. */
    private static int starting;

    private OwnSpawns() {
    }

    public static Process start(ProcessBuilder builder) throws IOException {
        SPAWNING.set(Boolean.TRUE);
        synchronized (LIVE) {
            starting++;
        }
        Process started = null;
        try {
            started = builder.start();
        } finally {
            SPAWNING.remove();
            synchronized (LIVE) {
                starting--;
                if (started != null) {
                    LIVE.add(started);
                }
            }
        }
        return started;
    }

    /**
     * True while one of the agent's own processes is being started, on any thread: a child of the
     * JVM not known yet may be it (the after-exit watchdog, started while the exit hook looks).
     */
    public static boolean starting() {
        synchronized (LIVE) {
            return starting > 0;
        }
    }

    /** True while the current thread is starting one of the agent's own processes. */
    public static boolean inProgress() {
        return SPAWNING.get() != null;
    }

    /** The live children of {@code pid} that are not the agent's own (see {@link ProcFs#childrenOf}). */
    public static List<Long> othersAmongChildrenOf(long pid) {
        List<Long> others = new ArrayList<>();
        for (long child : ProcFs.childrenOf(pid)) {
            if (!isOwn(child)) {
                others.add(child);
            }
        }
        return others;
    }

    /** True when {@code pid} is one of the agent's own live processes. */
    public static boolean isOwn(long pid) {
        synchronized (LIVE) {
            for (Iterator<Process> it = LIVE.iterator(); it.hasNext(); ) {
                Process p = it.next();
                if (!p.isAlive()) {
                    it.remove();
                } else if (p.pid() == pid) {
                    return true;
                }
            }
            return false;
        }
    }
}
