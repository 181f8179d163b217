package dev.reap.agent.session;

import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;

import java.util.Arrays;
import java.util.Map;

/**
 * This JVM's agent session and the environment tag its children carry.
 *
 * <p>A session id is {@code <pid>-<start>}: the JVM's PID and its start time (Linux: clock ticks
 * after boot, field 22 of {@code /proc/<pid>/stat}; elsewhere: milliseconds since the epoch), so
 * anyone can tell whether the session's JVM is alive: the PID exists with that same start time.
 * Children get {@value #TAG} set to the chain of sessions above them, this one last.
 */
public final class Session {
    /** The environment variable every spawned child carries. */
    public static final String TAG = "REAP_AGENT_SESSIONS";
    /** Separates the session ids of a chain. */
    public static final String SEPARATOR = ",";

    private final long pid;
    private final long startTime;
    private final String id;
    private final String chain;

    Session(long pid, long startTime, String inheritedChain) {
        this.pid = pid;
        this.startTime = startTime;
        this.id = pid + "-" + startTime;
        this.chain = inheritedChain == null || inheritedChain.isEmpty() ? id : inheritedChain + SEPARATOR + id;
    }

    /** The session of this JVM, named after its PID and start time, below any session it inherited. */
    public static Session current(Map<String, String> environment) {
        ProcStat self = ProcFs.available() ? ProcFs.self() : null;
        if (self != null) {
            return new Session(self.pid(), self.startTicks(), environment.get(TAG));
        }
        ProcessHandle current = ProcessHandle.current();
        long start = current.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
        return new Session(current.pid(), start, environment.get(TAG));
    }

    /** The session named by {@code id} ({@code <pid>-<start>}), as the watchdog is told; null when malformed. */
    public static Session parse(String id) {
        int dash = id.indexOf('-');
        try {
            long pid = Long.parseLong(id.substring(0, dash));
            long start = Long.parseLong(id.substring(dash + 1));
            return pid > 0 && start >= 0 ? new Session(pid, start, null) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    public long pid() { return pid; }

    public long startTime() { return startTime; }

    /** {@code 4242-123456} */
    public String id() { return id; }

    /** The value children get for {@value #TAG}: inherited sessions, then this one. */
    public String chain() { return chain; }

    /** True when {@code tag} (a {@value #TAG} value) names this session. */
    public boolean tags(String tag) {
        return tag != null && Arrays.asList(tag.split(SEPARATOR)).contains(id);
    }

    @Override
    public String toString() {
        return id;
    }
}
