package dev.reap.agent;

import dev.reap.agent.attach.Adoption;
import dev.reap.agent.config.Config;
import dev.reap.agent.config.ConfigException;
import dev.reap.agent.config.ConfigLoader;
import dev.reap.agent.log.Log;
import dev.reap.agent.session.Adopted;
import dev.reap.agent.session.Registry;
import dev.reap.agent.session.Session;
import dev.reap.agent.shutdown.ExitReap;
import dev.reap.agent.spawn.ChildTagger;
import dev.reap.agent.spawn.RewriteCache;
import dev.reap.agent.spawn.SpawnHook;
import dev.reap.agent.spawn.SpawnRecorder;
import dev.reap.agent.watchdog.Watchdog;

import java.util.List;
import java.util.function.Supplier;

/**
 * The agent's session in this JVM, set up once, when the transformer first needs it: when the
 * host's first spawn loads {@code ProcessBuilder}, at attach, or at premain when another agent
 * had loaded {@code ProcessBuilder} already.
 */
final class AgentRuntime implements Supplier<SpawnHook.Connection> {
    private final Config config;
    private final ConfigLoader loader;
    private SpawnHook.Connection connection;
    private Registry registry;
    private Watchdog watchdog;
    private Session session;
    private boolean setUp;

    AgentRuntime(Config config, ConfigLoader loader) {
        this.config = config;
        this.loader = loader;
    }

    @Override
    public synchronized SpawnHook.Connection get() {
        if (setUp) {
            return connection;
        }
        setUp = true;
        if (SpawnHook.alreadyInstalled()) {
            debug("already loaded in this JVM; nothing to do");
            return null;
        }
        session = Session.current(System.getenv());
        registry = new Registry();
        watchdog = config.watchdog() ? new Watchdog(session, new ExitConfig(config, loader)) : null;
        connection = new SpawnHook.Connection(new ChildTagger(session.chain()),
                new SpawnRecorder(registry, config.stacks(), watchdog), RewriteCache.forThisAgent());
        try {
            Runtime.getRuntime().addShutdownHook(
                    new Thread(new ExitReap(registry, session, loader, config, watchdog), "reap-agent-exit"));
        } catch (IllegalStateException shuttingDown) {
            // the host is already exiting: nothing was spawned through us, nothing to reap
        }
        if (Log.debugEnabled()) {
            debug("session " + session.id() + " started (" + config + ")");
        }
        return connection;
    }

    /**
     * At attach: takes over what the JVM spawned before (see {@link Adoption}) and tells the
     * watchdog of it. Returns how many processes were adopted, or -1 when another copy of the
     * agent hooks this JVM.
     */
    synchronized int adopt() {
        if (get() == null) {
            return -1;
        }
        List<Adopted> adopted = registry.adopt(Adoption.ofThisJvm());
        if (watchdog != null) {
            watchdog.adopted(adopted);
        }
        if (Log.debugEnabled()) {
            for (Adopted a : adopted) {
                debug("adopted " + a + ", spawned before attach");
            }
        }
        return adopted.size();
    }

    /** This JVM's session id, once set up. */
    synchronized String sessionId() {
        return session == null ? null : session.id();
    }

    /**
     * The keys that act at exit as they are now (the watchdog starts with them). A class, not a
     * method reference: a lambda on the first spawn's path costs its bootstrap.
     */
    private static final class ExitConfig implements Supplier<Config> {
        private final Config atStart;
        private final ConfigLoader loader;

        ExitConfig(Config atStart, ConfigLoader loader) {
            this.atStart = atStart;
            this.loader = loader;
        }

        @Override
        public Config get() {
            try {
                return loader.reloadExitKeys(atStart, System.getProperties(), System.getenv());
            } catch (ConfigException e) {
                return atStart;
            }
        }
    }

    /** Start-up stays free of SLF4J's classes unless a debug line is actually wanted. */
    static void debug(String message) {
        if (Log.debugEnabled()) {
            Log.get(Agent.class).debug(message);
        }
    }
}
