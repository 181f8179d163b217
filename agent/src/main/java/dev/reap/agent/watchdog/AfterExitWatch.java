package dev.reap.agent.watchdog;

import dev.reap.agent.config.ConfigLoader;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.session.Session;

import java.io.File;
import java.io.IOException;

/**
 * The sidecar for what the JVM spawns after its exit began (another shutdown hook's helper, a
 * thread still spawning): started by the first such spawn, on its thread, so that it runs before
 * the JVM can halt. It waits for the JVM's end (its pipe closing), then reaps what the session
 * left, found by its tag: the JVM is gone by then, so nothing can respawn what it ends. It
 * outlives the JVM by design, so its stdout and stderr go to {@code /dev/null}: a runner reading
 * the JVM's output to its end must not wait for it.
 */
public final class AfterExitWatch {
    private final Session session;
    private final ConfigLoader configs;
    private final File agentJar;
    /** Guarded by this. Held: a pipe no longer referenced would be closed by the JDK's cleaner, read as the JVM's end. */
    private Sidecar sidecar;
    private boolean tried;

    public AfterExitWatch(Session session, ConfigLoader configs, File agentJar) {
        this.session = session;
        this.configs = configs;
        this.agentJar = agentJar;
    }

    /** Starts the sidecar unless it was started (or could not be). */
    public synchronized void ensureStarted() {
        if (tried || !ProcFs.available()) {
            return;
        }
        tried = true;
        try {
            sidecar = Sidecar.start(agentJar, session, configs.atExit(), true);
        } catch (IOException | RuntimeException e) {
            Loggers.get(AfterExitWatch.class).warn("cannot start the watchdog for what is spawned after the exit "
                    + "began: " + e.getMessage() + "; it will outlive the JVM");
        }
    }

    /**
     * A spawn after the exit began: starts the sidecar unless it was started, and tells it the
     * child's PID and start time (the JVM may be gone when it reads them; with {@code reap.tag=false}
     * they are all it has).
     */
    public synchronized void spawned(Process child) {
        ensureStarted();
        ProcStat stat = sidecar == null ? null : ProcFs.stat(child.pid());
        if (stat != null && !sidecar.pipeLost()) {
            sidecar.send(child.pid() + " " + stat.startTicks());
        }
    }

    /** Tells the sidecar of a process the exit is still reaping, by PID and start time (it may be untagged). */
    public synchronized void known(long pid, long startTicks) {
        if (sidecar != null && !sidecar.pipeLost()) {
            sidecar.send(pid + " " + startTicks);
        }
    }
}
