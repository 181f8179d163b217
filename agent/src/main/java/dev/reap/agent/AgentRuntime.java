package dev.reap.agent;

import dev.reap.agent.attach.Adoption;
import dev.reap.agent.config.Config;
import dev.reap.agent.config.ConfigLoader;
import dev.reap.agent.find.NativeSpawns;
import dev.reap.agent.log.Log;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.proc.OwnSpawns;
import dev.reap.agent.proc.Privileged;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.SessionCgroup;
import dev.reap.agent.reap.Origin;
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
 * {@code ProcessBuilder} calls. At start-up it hooks {@code ProcessBuilder}, registers the exit
 * hook (the only shutdown hook: a JVM whose first spawn comes from another shutdown hook could
 * not register one then) and starts the look for native spawns ({@link NativeSpawnWatch}); the
 * session, the registry, the recorder and the watchdog are set up by the host's first spawn (or
 * the first native child seen, or at attach, or when a JUnit run asks for its test scopes): a JVM
 * that never spawns pays for none of them. The exit hook tells the watchdog the exit has begun,
 * reaps, then lets the watchdog go; what is spawned after that is the watchdog's.
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
    private NativeSpawns natives;
    /** Null: no session cgroup ({@code reap.cgroup=off}, or none could be made). */
    private CgroupStay cgroup;
    private Instrumentation instrumentation;
    /** Guarded by this: the exit hook has begun, and when ({@link ProcFs#nextTick()}). */
    private boolean exitBegun;
    private long exitTicks;

    AgentRuntime(Config config, ConfigLoader configs, File agentJar) {
        this.config = config;
        this.configs = configs;
        this.agentJar = agentJar;
    }

    /**
     * For the {@code run} command: a session for this JVM whose spawns call {@link #apply} and
     * {@link #accept} themselves (no {@code ProcessBuilder} hook), reaped at its exit.
     */
    public static AgentRuntime forCommand(Config config, ConfigLoader configs, File agentJar) {
        AgentRuntime runtime = new AgentRuntime(config, configs, agentJar);
        Runtime.getRuntime().addShutdownHook(new Thread(runtime.new Exit(), "reap-agent-exit"));
        return runtime;
    }

    /** With {@code reap.cgroup=on}, why this JVM cannot have its session's cgroup (one line); else null. */
    public static String cgroupRefused(Config config) {
        return CgroupStay.refused(config);
    }

    /** Hooks {@code ProcessBuilder} to this runtime, and the JVM's exit. */
    void hook(Instrumentation instrumentation) {
        this.instrumentation = instrumentation;
        hook = SpawnHook.install(instrumentation, this, this, RewriteCache.forAgentJar(agentJar));
        // made right here, with the agent's permissions: only the JVM's and the agent's code is on the stack
        Runtime.getRuntime().addShutdownHook(new Thread(new Exit(), "reap-agent-exit"));
        Thread look = new Thread(new NativeSpawnWatch(this), "reap-agent-children");
        look.setDaemon(true);
        look.start();
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

    /** The set-up makes the watchdog, whose threads start later: with the agent's permissions, not the spawning code's. */
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
        // not once the exit has begun: what is spawned then is the after-exit watch's
        cgroup = exitBegun ? null : CgroupStay.enter(config, session, instrumentation);
        exitReap = new ExitReap(registry, session, configs, sessionCgroup());
        watchdog = config.watchdog() ? new Watchdog(session, configs, agentJar, exitReap) : null;
        ExitSpawns aroundExit = new ExitSpawns(registry, session, configs, agentJar, config.watchdog());
        exitReap.coveredBy(aroundExit);
        recorder = new SpawnRecorder(session.chain(), registry, config.stacks(), config.tag(), watchdog, aroundExit);
        // JUnit 4's runners and TestNG report no test plan: in a test runner's JVM the stacks tell
        scopes = TestScopes.ofTestRunner(config, session, sessionCgroup());
        if (scopes != null) {
            recorder.attributeTo(scopes);
        }
        if (exitBegun) {
            // the first spawn comes from another shutdown hook, or a thread still running
            recorder.aroundExit().exitBegun(exitTicks);
        }
        setUp = true;
        if (Log.debugEnabled()) {
            debug("session " + session.id() + " started (" + config + ")");
        }
    }

    /** The session's cgroup the JVM is in, or null. */
    private SessionCgroup sessionCgroup() {
        return cgroup == null ? null : cgroup.cgroup();
    }

    /**
     * The JVM's exit: the watchdog is told first, and let go only after the reap (a death in
     * between leaves the rest to it); a JVM that never spawned and has no child has nothing to do.
     */
    private void exit() {
        try {
            Privileged.always(new ReapAtExit());
        } catch (Throwable t) {
            // never into the host: a SecurityManager installed since start-up that denies the agent, say
            Loggers.get(AgentRuntime.class).warn(t instanceof SecurityException
                    ? "reaping at exit failed: " + t + "; " + Privileged.GRANT : "reaping at exit failed",
                    t instanceof SecurityException ? null : t);
        }
    }

    private void reapAtExit() {
        synchronized (this) {
            exitBegun = true;
            exitTicks = ProcFs.nextTick();
            // with reap.report, an empty report still says the agent was there (the Maven plugin's check counts on it)
            if (!setUp && config.report() == null && OwnSpawns.othersAmongChildrenOf(ProcFs.selfPid()).isEmpty()) {
                return;
            }
        }
        ensureSetUp();
        recorder.aroundExit().exitBegun(exitTicks);
        if (watchdog != null) {
            watchdog.hostExiting();
        }
        if (cgroup != null) {
            cgroup.leaveWhileReaping();
        }
        try {
            TestScopes tests;
            synchronized (this) {
                tests = scopes;
            }
            exitReap.reap(tests == null ? List.of() : tests.reaped(), tests, exitTicks);
        } finally {
            recorder.aroundExit().exitReaped();
            if (cgroup != null) {
                cgroup.removeAfterReap();
            }
            if (watchdog != null) {
                watchdog.release();
            }
        }
    }

    /**
     * One look for the JVM's children that were not spawned through {@code ProcessBuilder} (see
     * {@link NativeSpawns}), for {@link NativeSpawnWatch}; false once the exit has begun.
     */
    boolean lookForNativeSpawns(long self) {
        NativeSpawns looker;
        synchronized (this) {
            if (exitBegun) {
                return false;
            }
            looker = natives;
        }
        if (looker == null) {
            if (!setUp && OwnSpawns.othersAmongChildrenOf(self).isEmpty()) {
                return true;
            }
            ensureSetUp();
            synchronized (this) {
                // made here, off the spawn path, on the look's own thread
                natives = natives != null ? natives : new NativeSpawns(session, registry, !config.tag());
                looker = natives;
            }
        }
        known(looker.look());
        if (cgroup != null && watchdog != null) {
            watchdog.inCgroup(looker.newIn(cgroup.cgroup()));
        }
        return true;
    }

    /** Processes the registry has come to know by PID: the watchdog is told of them. */
    private void known(List<Adopted> processes) {
        if (watchdog != null) {
            watchdog.adopted(processes);
        }
        if (Log.debugEnabled()) {
            for (Adopted a : processes) {
                debug("knows " + a + ": " + Origin.adopted(a).describe());
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
            scopes = new TestScopes(config, session, sessionCgroup());
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
        known(adopted);
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

    private final class ReapAtExit implements PrivilegedAction<Void> {
        @Override
        public Void run() {
            reapAtExit();
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
}
