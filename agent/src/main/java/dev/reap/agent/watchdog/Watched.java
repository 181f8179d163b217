package dev.reap.agent.watchdog;

import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.session.Session;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The host's children the watchdog was told of, by PID, with the start time it read from
 * {@code /proc} on hearing of each (or, for a process adopted at attach, the one the host read). Exited ones are dropped as the map grows (as in the host's
 * registry), so a host that spawns millions of short-lived processes keeps it small.
 */
final class Watched {
    private static final int MIN_PRUNE_SIZE = 64;

    private final Session session;
    private final Map<Long, Long> startTicksByPid = new LinkedHashMap<>();
    private int pruneAt = MIN_PRUNE_SIZE;

    Watched(Session session) {
        this.session = session;
    }

    /**
     * Records a spawned PID if it still is the host's child (else it has exited already, and its
     * PID may name a stranger by now).
     */
    void add(long pid) {
        ProcStat stat = ProcFs.stat(pid);
        if (stat == null || stat.exited() || stat.parentPid() != session.pid() || stat.startTicks() < session.startTime()) {
            return;
        }
        keep(pid, stat.startTicks());
    }

    /**
     * Records a process the host adopted at attach (a child or a descendant of one), named by
     * its start time as the host read it: kept only while that PID still has that start time.
     */
    void addAdopted(long pid, long startTicks) {
        if (ProcFs.isAlive(pid, startTicks)) {
            keep(pid, startTicks);
        }
    }

    private void keep(long pid, long startTicks) {
        startTicksByPid.put(pid, startTicks);
        if (startTicksByPid.size() >= pruneAt) {
            pruneAt = Math.max(MIN_PRUNE_SIZE, 2 * prune());
        }
    }

    private int prune() {
        for (Iterator<Map.Entry<Long, Long>> it = startTicksByPid.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Long> e = it.next();
            if (!ProcFs.isAlive(e.getKey(), e.getValue())) {
                it.remove();
            }
        }
        return startTicksByPid.size();
    }

    /** PID to start time, as recorded (some may have exited since). */
    Map<Long, Long> all() {
        return startTicksByPid;
    }

    int size() {
        return startTicksByPid.size();
    }
}
