package dev.reap.agent.shutdown;

import dev.reap.agent.config.Config;
import dev.reap.agent.config.Key;
import dev.reap.agent.junit.TestScopes;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.proc.Privileged;
import dev.reap.agent.reap.Target;
import dev.reap.agent.report.Origin;
import dev.reap.agent.report.Reaping;
import dev.reap.agent.session.Registry;
import dev.reap.agent.session.Session;
import dev.reap.agent.spawn.SpawnRecorder;
import dev.reap.agent.watchdog.Watchdog;
import org.slf4j.Logger;

import java.util.List;

/**
 * The shutdown hook: reaps what this session spawned, then says so in one line (nothing when
 * nothing was left). Runs on every ordinary exit: {@code main} returning, {@code System.exit},
 * an uncaught exception, SIGTERM, SIGINT, SIGHUP.
 */
public final class ExitReap implements Runnable {
    /** Loaded at exit, not when the hook is registered at start-up. */
    private static final class Logs {
        static final Logger LOG = Loggers.get(ExitReap.class);
    }

    private final Registry registry;
    private final Session session;
    private final ExitKeys exitKeys;
    private final Watchdog watchdog;

    /** {@code watchdog} may be null ({@code reap.watchdog=false}). */
    public ExitReap(Registry registry, Session session, ExitKeys exitKeys, Watchdog watchdog) {
        this.registry = registry;
        this.session = session;
        this.exitKeys = exitKeys;
        this.watchdog = watchdog;
    }

    @Override
    public void run() {
        if (watchdog != null) {
            watchdog.hostExiting();
        }
        try {
            // Only this JVM's spawns carry its tag: a JVM that spawned nothing has nothing to reap.
            if (registry.recordedCount() == 0) {
                return;
            }
            reap();
        } catch (Throwable t) {
            Logs.LOG.warn(t instanceof SecurityException ? "reaping at exit failed: " + t + "; " + Privileged.GRANT
                    : "reaping at exit failed", t instanceof SecurityException ? null : t);
        } finally {
            // only now: a hook-less death in the middle of the reap leaves the rest to the watchdog
            if (watchdog != null) {
                watchdog.release();
            }
        }
    }

    /**
     * Resolves the spawn sites and loads the summary's classes on a thread of its own while the
     * reaper waits out the grace: done after the last rung, they added some 20 ms to an exit that
     * had to wait for a stubborn child anyway.
     */
    private static void warmSummaryWhileWaiting(List<Target> targets) {
        if (targets.isEmpty()) {
            return;
        }
        Thread warmer = new Thread(new SummaryWarmer(targets), "reap-agent-summary");
        warmer.setDaemon(true);
        warmer.start();
    }

    /** A class, not a lambda: the first lambda of a JVM costs milliseconds of bootstrap. */
    private static final class SummaryWarmer implements Runnable {
        private final List<Target> targets;

        SummaryWarmer(List<Target> targets) {
            this.targets = targets;
        }

        @Override
        public void run() {
            for (Target t : targets) {
                ((Origin) t.origin()).describe();
            }
            // the summary's own classes, unless a child that lasted had them loaded already
            ExitWarmup.warm();
        }
    }

    private void reap() throws Exception {
        List<Target> found = new TargetCollector(registry, session).collect();
        // nothing to reap and no report wanted: skip re-reading the configuration
        if (found.isEmpty() && exitKeys.atStart().report() == null && System.getProperty(Key.REPORT.property()) == null) {
            return;
        }
        Config config = exitKeys.get();
        Reaping reaping = new Reaping(found, config);
        TestScopes tests = SpawnRecorder.testScopes();
        if (tests != null) {
            reaping.alsoReport(tests.reaped());
        }
        warmSummaryWhileWaiting(reaping.targets());
        reaping.reap(config, watchdog == null ? null : watchdog.signalShell(), "", "", session, "exit-hook");
    }
}
