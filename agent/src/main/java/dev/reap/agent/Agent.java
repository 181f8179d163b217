package dev.reap.agent;

import dev.reap.agent.config.Config;
import dev.reap.agent.config.ConfigException;
import dev.reap.agent.config.ConfigLoader;
import dev.reap.agent.log.Log;
import dev.reap.agent.spawn.SpawnHook;
import dev.reap.agent.sweep.StartupSweep;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry, for {@code -javaagent} (premain) and attach (agentmain).
 *
 * <p>Start-up does only what must happen before {@code main}: validate the configuration (a
 * mistake stops the JVM, like a bad {@code -XX} flag) and register the {@code ProcessBuilder}
 * transformer. Everything else (the session, the registry, the rewrite, the shutdown hook) is
 * set up by {@link AgentRuntime} when the host's first spawn loads {@code ProcessBuilder}: a JVM
 * that never spawns pays for nothing more. (Setting up on a thread of its own while {@code main}
 * starts was measured: no faster on two cores, where the JIT already uses the other one.) A
 * second load in the same JVM is a no-op.
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
            AgentRuntime.debug("disabled (reap.enabled=false)");
            return;
        }
        AgentRuntime runtime = new AgentRuntime(config, loader);
        SpawnHook.install(instrumentation, runtime);
        if (config.sweep()) {
            StartupSweep.start(config);
        }
        if (!atJvmStart) {
            runtime.get();
        }
    }
}
