package dev.reap.agent;

import dev.reap.agent.config.Config;
import dev.reap.agent.config.ConfigException;
import dev.reap.agent.config.ConfigLoader;
import dev.reap.agent.log.Log;
import dev.reap.agent.session.Registry;
import dev.reap.agent.session.Session;
import dev.reap.agent.shutdown.ExitReap;
import dev.reap.agent.spawn.ChildTagger;
import dev.reap.agent.spawn.RewriteCache;
import dev.reap.agent.spawn.SpawnHook;
import dev.reap.agent.spawn.SpawnRecorder;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry, for {@code -javaagent} (premain) and attach (agentmain). It does the least
 * it can at start-up: validate the configuration, register the {@code ProcessBuilder} transformer
 * (which works only when that class loads) and the shutdown hook. A second load in the same JVM
 * is a no-op.
 */
public final class Agent {
    /** Guarded by the class: an AtomicBoolean would initialise VarHandles, milliseconds at start-up. */
    private static boolean loaded;
    /** The exit status for a configuration error, as for the CLI. */
    static final int CONFIGURATION_ERROR = 2;

    private Agent() {
    }

    public static void premain(String options, Instrumentation instrumentation) {
        start(options, instrumentation, true);
    }

    public static void agentmain(String options, Instrumentation instrumentation) {
        start(options, instrumentation, false);
    }

    /** Start-up stays free of SLF4J's classes unless a debug line is actually wanted. */
    private static void debug(String message) {
        if (Log.debugEnabled()) {
            Log.get(Agent.class).debug(message);
        }
    }

    private static void start(String options, Instrumentation instrumentation, boolean atJvmStart) {
        synchronized (Agent.class) {
            if (loaded) {
                return;
            }
            loaded = true;
        }
        ConfigLoader loader;
        Config config;
        try {
            loader = ConfigLoader.forAgentOptions(options);
            config = loader.load(System.getProperties(), System.getenv());
        } catch (ConfigException e) {
            Log.line("error: " + e.getMessage());
            if (atJvmStart) {
                // Like a bad -XX flag: the JVM does not start with a configuration it would misread.
                System.exit(CONFIGURATION_ERROR);
            }
            return;
        }
        Log.setLevel(config.log());
        if (!config.enabled()) {
            debug("disabled (reap.enabled=false)");
            return;
        }
        if (SpawnHook.alreadyInstalled()) {
            debug("already loaded in this JVM; nothing to do");
            return;
        }
        Session session = Session.current(System.getenv());
        Registry registry = new Registry();
        SpawnHook.install(instrumentation, new ChildTagger(session.chain()),
                new SpawnRecorder(registry, config.stacks()), RewriteCache.forThisAgent());
        Runtime.getRuntime().addShutdownHook(new Thread(new ExitReap(registry, session, loader, config), "reap-agent-exit"));
        if (Log.debugEnabled()) {
            debug("session " + session.id() + " started (" + config + ")");
        }
    }
}
