package dev.reap.agent.shutdown;

import dev.reap.agent.config.Config;
import dev.reap.agent.config.ConfigLoader;
import dev.reap.agent.find.CgroupKill;
import dev.reap.agent.find.ScopeTags;
import dev.reap.agent.find.SessionTargets;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.SessionCgroup;
import dev.reap.agent.reap.Outcome;
import dev.reap.agent.reap.SignalShell;
import dev.reap.agent.reap.Target;
import dev.reap.agent.report.Reaping;
import dev.reap.agent.session.Registry;
import dev.reap.agent.session.Session;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the shutdown hook does: reaps what this session spawned, then says so in one line (nothing
 * when nothing was left). Runs on every ordinary exit: {@code main} returning, {@code System.exit},
 * an uncaught exception, SIGTERM, SIGINT, SIGHUP.
 */
public final class ExitReap implements Runnable {
    private final Registry registry;
    private final Session session;
    private final ConfigLoader configs;
    /** Null: none. */
    private final SessionCgroup cgroup;
    /** Guarded by this: the shell readied for the exit's SIGINT, and whether the exit has begun. */
    private SignalShell shell;
    private boolean exiting;
    /** When the exit began, in clock ticks after boot: a child of the JVM started since is left to the after-exit watch. */
    private long exitBeganTicks = Long.MAX_VALUE;
    private ScopeTags scopeTags;

    /**
     * Told of what is still alive once the reap turns slow: it will take a grace or more, and a JVM
     * halted meanwhile (a runner's exit timeout, {@code kill -9}) must not leave it behind. Null: nobody to tell.
     */
    private volatile Consumer<List<Target>> longReap;

    /** {@code cgroup}: the session's, or null. */
    public ExitReap(Registry registry, Session session, ConfigLoader configs, SessionCgroup cgroup) {
        this.registry = registry;
        this.session = session;
        this.configs = configs;
        this.cgroup = cgroup;
    }

    /**
     * Readies the exit, once a child has lasted (the watchdog runs it then): a shell kept ready
     * for SIGINT, as starting a {@code kill} process while a hundred children die at once was most
     * of the reap's time, and the exit's classes loaded ({@link ExitWarmup}).
     */
    @Override
    public void run() {
        SignalShell started = SignalShell.start();
        synchronized (this) {
            if (!exiting) {
                shell = started;
                started = null;
            }
        }
        if (started != null) {
            started.close();
        }
        ExitWarmup.warm();
    }

    /**
     * Reaps; {@code earlier}: what the session's tests reaped as they ended, for the report;
     * {@code tests} (may be null): who the scope tags name; {@code exitTicks}: when the exit
     * began ({@link dev.reap.agent.proc.ProcClock#nextTick()}). What it throws, its caller reports.
     */
    public void reap(List<Outcome> earlier, ScopeTags tests, long exitTicks) {
        SignalShell sigint;
        synchronized (this) {
            exiting = true;
            sigint = shell;
        }
        exitBeganTicks = exitTicks;
        scopeTags = tests;
        try {
            // Only this JVM's spawns carry its tag: a JVM that spawned nothing has nothing to reap,
            // and writes only its (empty) report
            Config config = configs.atExit();
            boolean spawned = registry.recordedCount() > 0 || registry.hasUnrecordedChild(session.pid());
            List<Target> found = spawned ? targets() : List.of();
            if (found.isEmpty() && config.report() == null) {
                return;
            }
            Reaping reaping = Reaping.atExit(config, session, found).alsoReporting(earlier).lookingAgainWith(new Targets());
            if (cgroup != null) {
                reaping.killingGroupWith(new CgroupKill(cgroup, session.pid(), exitBeganTicks));
            }
            if (longReap != null) {
                reaping.coveredWhenSlowBy(longReap);
            }
            warmSummaryWhileWaiting(reaping.targets());
            reaping.reap(sigint);
        } finally {
            if (sigint != null) {
                sigint.close();
            }
        }
    }

    private List<Target> targets() {
        return SessionTargets.atExit(session, registry.live(), registry.adopted(), registry.afterExitBegan(),
                exitBeganTicks, cgroup, scopeTags);
    }

    /** Who covers a reap that outlasts its first rung (see {@link #longReap}). */
    public void coveredBy(Consumer<List<Target>> cover) {
        longReap = cover;
    }

    /** What the session has now, looked for again after each rung. */
    private final class Targets implements Supplier<List<Target>> {
        @Override
        public List<Target> get() {
            return targets();
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

    private static final class SummaryWarmer implements Runnable {
        private final List<Target> targets;

        SummaryWarmer(List<Target> targets) {
            this.targets = targets;
        }

        @Override
        public void run() {
            for (Target t : targets) {
                t.origin().describe();
            }
            // the summary's own classes, unless a child that lasted had them loaded already
            ExitWarmup.warm();
        }
    }
}
