package dev.reap.agent;

import dev.reap.agent.attach.Adoption;
import dev.reap.agent.config.Config;
import dev.reap.agent.config.ConfigLoader;
import dev.reap.agent.log.Log;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.proc.Privileged;
import dev.reap.agent.scope.TestScopes;
import dev.reap.agent.session.Adopted;
import dev.reap.agent.session.Registry;
import dev.reap.agent.session.Session;
import dev.reap.agent.shutdown.ExitReap;
import dev.reap.agent.spawn.RewriteCache;
import dev.reap.agent.spawn.SpawnHook;
import dev.reap.agent.watchdog.Watchdog;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.security.PrivilegedAction;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * The agent in this JVM: the one owner of its parts, and the two hooks the rewritten
 * {@code ProcessBuilder} calls. It hooks {@code ProcessBuilder} at start-up; the session, the
 * registry, the recorder, the watchdog and the exit hook are set up by the host's first spawn (or
 * at attach, or when a JUnit run asks for its test scopes): a JVM that never spawns pays for none
 * of them. The exit hook is the only shutdown hook: it tells the watchdog the exit has begun, reaps,
 * then lets the watchdog go.
 */
public final class AgentRuntime implements UnaryOperator<Map<String, String>>, BiConsumer<Process, ProcessBuilder> {
    private final Config config;
    private final ConfigLoader configs;
    private final File agentJar;
    private SpawnHook hook;
    private volatile boolean setUp;
    private Session session;
    private Registry registry;
    private Watchdog watchdog;
    private ExitReap exitReap;
    private SpawnRecorder recorder;
    private TestScopes scopes;

    AgentRuntime(Config config, ConfigLoader configs, File agentJar) {
        this.config = config;
        this.configs = configs;
        this.agentJar = agentJar;
    }

    /** Hooks {@code ProcessBuilder} to this runtime. */
    void hook(Instrumentation instrumentation) {
        hook = SpawnHook.install(instrumentation, this, this, RewriteCache.forAgentJar(agentJar));
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
        return recorder.tag(environment);
    }

    private void record(Process process, ProcessBuilder builder) {
        ensureSetUp();
        recorder.record(process, builder);
    }

    /** The set-up makes the exit hook's thread: with the agent's permissions, not the spawning code's. */
    private void ensureSetUp() {
        if (!setUp) {
            Privileged.always(new SetUp());
        }
    }

    private synchronized void setUp() {
        if (setUp) {
            return;
        }
        session = Session.current(System.getenv());
        registry = new Registry();
        exitReap = new ExitReap(registry, session, configs);
        watchdog = config.watchdog() ? new Watchdog(session, configs, agentJar, exitReap) : null;
        recorder = new SpawnRecorder(session.chain(), registry, config.stacks(), watchdog);
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(new Exit(), "reap-agent-exit"));
        } catch (IllegalStateException shuttingDown) {
            // the host is already exiting (its first spawn came from a shutdown hook): too late for one
        }
        setUp = true;
        if (Log.debugEnabled()) {
            debug("session " + session.id() + " started (" + config + ")");
        }
    }

    /** The JVM's exit: the watchdog is told first, and let go only after the reap (a death in between leaves the rest to it). */
    private void exit() {
        if (watchdog != null) {
            watchdog.hostExiting();
        }
        try {
            TestScopes tests;
            synchronized (this) {
                tests = scopes;
            }
            exitReap.reap(tests == null ? List.of() : tests.reaped());
        } finally {
            if (watchdog != null) {
                watchdog.release();
            }
        }
    }

    /**
     * The JUnit scopes of this JVM, for the agent's listener: made when a test plan first asks, and
     * from then on every spawn is attributed to the scope running on its thread.
     */
    public synchronized TestScopes testScopes() {
        ensureSetUp();
        if (scopes == null) {
            scopes = new TestScopes(config, session);
            recorder.attributeTo(scopes);
        }
        return scopes;
    }

    /**
     * At attach: takes over what the JVM spawned before (see {@link Adoption}) and tells the
     * watchdog of it. Returns how many processes were adopted, or -1 when another copy of the
     * agent hooks this JVM.
     */
    synchronized int adopt() {
        if (hook == null || !hook.ours()) {
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

    private final class SetUp implements PrivilegedAction<Void> {
        @Override
        public Void run() {
            setUp();
            return null;
        }
    }

    private final class Exit implements Runnable {
        @Override
        public void run() {
            exit();
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
}
