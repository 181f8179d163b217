package dev.reap.agent.watchdog;

import dev.reap.agent.proc.OwnCgroup;
import dev.reap.agent.config.Config;
import dev.reap.agent.find.CgroupKill;
import dev.reap.agent.find.SessionTargets;
import dev.reap.agent.proc.SessionCgroup;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.reap.SignalShell;
import dev.reap.agent.report.Reaping;
import dev.reap.agent.session.Session;
import dev.reap.agent.reap.Target;
import org.slf4j.Logger;

import java.util.List;
import java.util.function.Supplier;

/**
 * What the watchdog does when its host died without its hooks: reap the session as the exit hook
 * would have (recorded children whose start time still matches, their descendants, every live
 * process tagged with the session), with the same ladder, then say so on stderr and in the report.
 */
final class HostDeathReap implements Runnable {
    private static final Logger LOG = Loggers.get(HostDeathReap.class);

    private final Session session;
    private final Config config;
    private final Watched watched;
    private final SignalShell shell;
    private final boolean afterExit;
    /** The session's cgroup, found when the JVM is gone; null when it had none. */
    private SessionCgroup cgroup;

    /**
     * {@code shell} may be null: SIGINT then goes through a {@code kill} process; {@code afterExit}:
     * the host ran its exit hook, and this reaps what was spawned after it.
     */
    HostDeathReap(Session session, Config config, Watched watched, SignalShell shell, boolean afterExit) {
        this.session = session;
        this.config = config;
        this.watched = watched;
        this.shell = shell;
        this.afterExit = afterExit;
    }

    @Override
    public void run() {
        try {
            reap();
        } catch (Throwable t) {
            LOG.warn("watchdog: reaping after the death of JVM {} failed", session.pid(), t);
        }
    }

    private void reap() throws Exception {
        cgroup = OwnCgroup.sessionCgroup(session.id());
        Reaping reaping = afterExit ? Reaping.afterExit(config, session, targets())
                : Reaping.afterHostDeath(config, session, targets());
        reaping.lookingAgainWith(new Targets());
        if (cgroup != null) {
            reaping.killingGroupWith(new CgroupKill(cgroup, -1, Long.MAX_VALUE));
        }
        try {
            if (reaping.targets().isEmpty() && (afterExit || !reaping.excludedAny() && config.report() == null)) {
                LOG.debug("watchdog: JVM {} ended without its shutdown hooks; nothing of it was left", session.pid());
                return;
            }
            reaping.reap(shell);
        } finally {
            if (cgroup != null && !cgroup.removeLeavingTheRest()) {
                LOG.debug("watchdog: the cgroup {} is not empty", cgroup);
            }
        }
    }

    private List<Target> targets() {
        return SessionTargets.afterHostDeath(session, watched.all(), cgroup);
    }

    private final class Targets implements Supplier<List<Target>> {
        @Override
        public List<Target> get() {
            return targets();
        }
    }
}
