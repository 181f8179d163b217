package dev.reap.agent;

import dev.reap.agent.attach.Adoption;
import dev.reap.agent.config.Config;
import dev.reap.agent.config.ConfigLoader;
import dev.reap.agent.log.Log;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.proc.Privileged;
import dev.reap.agent.session.Adopted;
import dev.reap.agent.session.Registry;
import dev.reap.agent.session.Session;
import dev.reap.agent.shutdown.ExitKeys;
import dev.reap.agent.shutdown.ExitReap;
import dev.reap.agent.spawn.ChildTagger;
import dev.reap.agent.spawn.RewriteCache;
import dev.reap.agent.spawn.SpawnHook;
import dev.reap.agent.spawn.SpawnRecorder;
import dev.reap.agent.watchdog.Watchdog;

import java.security.PrivilegedAction;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The agent's session in this JVM, and the two hooks the rewritten {@code ProcessBuilder} calls.
 * The hooks are connected at start-up, when {@code ProcessBuilder} is hooked; the session, the
 * registry, the watchdog and the shutdown hook are set up by the host's first spawn (or at
 * attach): a JVM that never spawns pays for none of them.
 */
final class AgentRuntime implements Supplier<SpawnHook.Connection>, UnaryOperator<Map<String, String>>,
        BiConsumer<Process, ProcessBuilder> {
    private final Config config;
    private final ConfigLoader loader;
    /** True when this copy of the agent hooked {@code ProcessBuilder}, not another one before it. */
    private boolean ours;
    private volatile boolean setUp;
    private Registry registry;
    private Watchdog watchdog;
    private Session session;
    private ChildTagger tagger;
    private SpawnRecorder recorder;

    AgentRuntime(Config config, ConfigLoader loader) {
        this.config = config;
        this.loader = loader;
    }

    /** What {@code ProcessBuilder} is connected to: asked for once, when this copy of the agent hooks it. */
    @Override
    public synchronized SpawnHook.Connection get() {
        ours = true;
        return new SpawnHook.Connection(this, this, RewriteCache.forAgentJar(AgentJar.location()));
    }

    /** Every spawn's environment, before the child starts: the first one sets the session up. */
    @Override
    public Map<String, String> apply(Map<String, String> environment) {
        // without a SecurityManager no action object (nor its class, on the first spawn) is needed
        return System.getSecurityManager() == null ? tag(environment) : Privileged.call(new Tagging(environment));
    }

    /** Every process started. */
    @Override
    public void accept(Process process, ProcessBuilder builder) {
        if (System.getSecurityManager() == null) {
            record(process, builder);
        } else {
            Privileged.call(new Recording(process, builder));
        }
    }

    private Map<String, String> tag(Map<String, String> environment) {
        ensureSetUp();
        return tagger.apply(environment);
    }

    private void record(Process process, ProcessBuilder builder) {
        ensureSetUp();
        recorder.accept(process, builder);
    }

    /** The first spawn (or the attach) sets the session up. */
    private void ensureSetUp() {
        if (!setUp) {
            Privileged.always(new SetUp());
        }
    }

    /** The set-up makes the exit hook's thread: with the agent's permissions, not the spawning code's. */
    private final class SetUp implements PrivilegedAction<Void> {
        @Override
        public Void run() {
            setUp();
            return null;
        }
    }

    /** The hooks, run with the agent's own permissions under a SecurityManager: see {@link Privileged}. */
    private final class Tagging implements PrivilegedAction<Map<String, String>> {
        private final Map<String, String> environment;

        Tagging(Map<String, String> environment) {
            this.environment = environment;
        }

        @Override
        public Map<String, String> run() {
            return tag(environment);
        }
    }

    private final class Recording implements PrivilegedAction<Void> {
        private final Process process;
        private final ProcessBuilder builder;

        Recording(Process process, ProcessBuilder builder) {
            this.process = process;
            this.builder = builder;
        }

        @Override
        public Void run() {
            record(process, builder);
            return null;
        }
    }

    private synchronized void setUp() {
        if (setUp) {
            return;
        }
        session = Session.current(System.getenv());
        ExitKeys exitKeys = new ExitKeys(config, loader);
        registry = new Registry();
        watchdog = config.watchdog() ? new Watchdog(session, exitKeys) : null;
        tagger = new ChildTagger(session.chain());
        recorder = new SpawnRecorder(registry, config.stacks(), watchdog);
        try {
            Runtime.getRuntime().addShutdownHook(
                    new Thread(new ExitReap(registry, session, exitKeys, watchdog), "reap-agent-exit"));
        } catch (IllegalStateException shuttingDown) {
            // the host is already exiting (its first spawn came from a shutdown hook): too late for one
        }
        setUp = true;
        if (Log.debugEnabled()) {
            debug("session " + session.id() + " started (" + config + ")");
        }
    }

    /**
     * At attach: takes over what the JVM spawned before (see {@link Adoption}) and tells the
     * watchdog of it. Returns how many processes were adopted, or -1 when another copy of the
     * agent hooks this JVM.
     */
    synchronized int adopt() {
        if (!ours) {
            return -1;
        }
        ensureSetUp();
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

    /** Start-up stays free of SLF4J's classes unless a debug line is actually wanted. */
    static void debug(String message) {
        if (Log.debugEnabled()) {
            Loggers.get(Agent.class).debug(message);
        }
    }
}
