package dev.reap.agent.watchdog;

import dev.reap.agent.config.Config;
import dev.reap.agent.find.SessionTargets;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.reap.SignalShell;
import dev.reap.agent.report.Reaping;
import dev.reap.agent.session.Session;
import org.slf4j.Logger;

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

    /** {@code shell} may be null: SIGINT then goes through a {@code kill} process. */
    HostDeathReap(Session session, Config config, Watched watched, SignalShell shell) {
        this.session = session;
        this.config = config;
        this.watched = watched;
        this.shell = shell;
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
        Reaping reaping = Reaping.afterHostDeath(config, session, SessionTargets.afterHostDeath(session, watched.all()));
        if (reaping.targets().isEmpty() && !reaping.excludedAny() && config.report() == null) {
            LOG.debug("watchdog: JVM {} ended without its shutdown hooks; nothing of it was left", session.pid());
            return;
        }
        reaping.reap(shell);
    }
}
