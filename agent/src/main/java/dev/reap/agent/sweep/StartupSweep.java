package dev.reap.agent.sweep;

import dev.reap.agent.config.Config;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.report.Reaping;
import org.slf4j.Logger;

import java.util.concurrent.locks.LockSupport;

/**
 * The start-up sweep: on a daemon thread of its own, off the host's {@code main}, it reaps what
 * dead sessions left (an earlier run killed with {@code kill -9} and no watchdog, say). It starts
 * scanning {@value #DELAY_MILLIS} ms after the agent, once the host's own start-up burst is over:
 * scanning every process's environment at once measurably slowed a JVM's start on two cores. A
 * JVM that ends first leaves the work to the next sweep.
 */
public final class StartupSweep implements Runnable {
    static final long DELAY_MILLIS = 1_000;
    /** Loaded by the sweep's thread, not at start-up. */
    private static final class Logs {
        static final Logger LOG = Loggers.get(StartupSweep.class);
    }

    private final Config config;

    private StartupSweep(Config config) {
        this.config = config;
    }

    /** Starts the sweep in the background (Linux; elsewhere it finds there is no /proc and ends). */
    public static void start(Config config) {
        Thread thread = new Thread(new StartupSweep(config), "reap-agent-sweep");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Parks rather than sleeps: on JDK 21+ the first {@code Thread.sleep} of a JVM loads the
     * classes of its flight-recorder event, milliseconds taken from the host's start on two cores.
     * False when the thread was interrupted.
     */
    private static boolean waitedOutTheStartUp() {
        long deadline = System.nanoTime() + DELAY_MILLIS * 1_000_000L;
        for (long left = DELAY_MILLIS * 1_000_000L; left > 0; left = deadline - System.nanoTime()) {
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(left);
        }
        return true;
    }

    @Override
    public void run() {
        try {
            if (!waitedOutTheStartUp() || !ProcFs.available()) {
                return;
            }
            ProcStat self = ProcFs.self();
            if (self == null) {
                // unreadable after all (a SecurityManager installed since start-up, say)
                return;
            }
            SessionScan scan = SessionScan.deadSessions(self.pid());
            Reaping reaping = Reaping.ofStartupSweep(config, Sweep.leftovers(scan, null));
            Logs.LOG.debug("start-up sweep: {} processes scanned, {} left by dead sessions", scan.scanned(), reaping.targets().size());
            if (!reaping.targets().isEmpty()) {
                reaping.reap(null);
            }
            Sweep.removeDeadCgroups(scan, null);
        } catch (Throwable t) {
            Logs.LOG.warn("start-up sweep failed", t);
        }
    }
}
