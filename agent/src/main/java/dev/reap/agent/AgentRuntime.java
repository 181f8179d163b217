package dev.reap.agent;

import dev.reap.agent.attach.Adoption;
import dev.reap.agent.config.Config;
import dev.reap.agent.config.ConfigLoader;
import dev.reap.agent.find.NativeSpawns;
import dev.reap.agent.log.Log;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.proc.OwnSpawns;
import dev.reap.agent.proc.ProcClock;
import dev.reap.agent.proc.Privileged;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.scope.TestScopes;
import dev.reap.agent.spawn.RewriteCache;
import dev.reap.agent.spawn.SpawnHook;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.security.PrivilegedAction;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * The agent in this JVM: the one owner of its parts, and the two hooks the rewritten
 * {@code ProcessBuilder} calls. At start-up it hooks {@code ProcessBuilder}, registers the exit
 * hook (the only shutdown hook: a JVM whose first spawn comes from another shutdown hook could
 * not register one then) and starts the look for native spawns ({@link NativeSpawnWatch}); the
 * session's parts ({@link SessionParts}) are made by the host's first spawn (or the first native
 * child seen, or at attach, or when a JUnit run asks for its test scopes): a JVM that never spawns
 * pays for none of them.
 */
public final class AgentRuntime implements UnaryOperator<Map<String, String>>, BiConsumer<Process, ProcessBuilder> {
    private final Config config;
    private final ConfigLoader configs;
    private final File agentJar;
    private SpawnHook hook;
    private Instrumentation instrumentation;
    /** Null until the set-up (the first spawn, ...); then what the session has. */
    private volatile SessionParts parts;
    /** Guarded by this: the exit hook has begun, and when ({@link ProcClock#nextTick()}). */
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
        return System.getSecurityManager() == null ? tag(environment) : Privileged.call(new Call(Call.TAG, environment, null, null));
    }

    /** Every process started. */
    @Override
    public void accept(Process process, ProcessBuilder builder) {
        if (System.getSecurityManager() == null) {
            record(process, builder);
        } else {
            Privileged.call(new Call(Call.RECORD, null, process, builder));
        }
    }

    private Map<String, String> tag(Map<String, String> environment) {
        return ensureSetUp().recorder().tag(environment);
    }

    private void record(Process process, ProcessBuilder builder) {
        ensureSetUp().recorder().record(process, builder);
    }

    /** The set-up makes the watchdog, whose threads start later: with the agent's permissions, not the spawning code's. */
    private SessionParts ensureSetUp() {
        SessionParts known = parts;
        if (known == null) {
            Privileged.always(new Call(Call.SET_UP));
            known = parts;
        }
        return known;
    }

    private synchronized void setUp() {
        if (parts == null) {
            // not into a cgroup once the exit has begun: what is spawned then is the after-exit watch's
            parts = new SessionParts(config, configs, agentJar, instrumentation, exitBegun, exitTicks);
        }
    }

    /**
     * The JVM's exit: the watchdog is told first, and let go only after the reap (a death in
     * between leaves the rest to it); a JVM that never spawned and has no child has nothing to do.
     */
    private void exit() {
        try {
            Privileged.always(new Call(Call.REAP_AT_EXIT));
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
            exitTicks = ProcClock.nextTick();
            // with reap.report, an empty report still says the agent was there (the Maven plugin's check counts on it)
            if (parts == null && config.report() == null && OwnSpawns.othersAmongChildrenOf(ProcFs.selfPid()).isEmpty()) {
                return;
            }
        }
        ensureSetUp().reapAtExit(exitTicks);
    }

    /**
     * One look for the JVM's children that were not spawned through {@code ProcessBuilder} (see
     * {@link NativeSpawns}), for {@link NativeSpawnWatch}; false once the exit has begun.
     */
    boolean lookForNativeSpawns(long self) {
        synchronized (this) {
            if (exitBegun) {
                return false;
            }
        }
        if (parts == null && OwnSpawns.othersAmongChildrenOf(self).isEmpty()) {
            return true;
        }
        ensureSetUp().lookForNativeSpawns();
        return true;
    }

    /**
     * The JUnit scopes of this JVM, for the agent's listener: made when a test plan first asks, and
     * from then on every spawn is attributed to the scope running on its thread.
     */
    public TestScopes testScopes() {
        return ensureSetUp().testScopes();
    }

    /**
     * At attach: takes over what the JVM spawned before (see {@link Adoption}) and tells the
     * watchdog of it. Returns how many processes were adopted, or -1 when another copy of the
     * agent hooks this JVM.
     */
    synchronized int adopt() {
        return hook == null || !hook.ours() ? -1 : ensureSetUp().adopt();
    }

    /** This JVM's session id, once set up. */
    String sessionId() {
        SessionParts known = parts;
        return known == null ? null : known.session().id();
    }

    /** Start-up stays free of SLF4J's classes unless a debug line is actually wanted. */
    static void debug(String message) {
        if (Log.debugEnabled()) {
            Loggers.get(Agent.class).debug(message);
        }
    }

    private final class Exit implements Runnable {
        @Override
        public void run() {
            exit();
        }
    }

    /**
     * What runs with the agent's own permissions (see {@link Privileged}): the set-up, the reap at
     * exit, and the hooks under a SecurityManager. One class for the four: each is loaded on the
     * start or exit path.
     */
    private final class Call implements PrivilegedAction<Map<String, String>> {
        private static final int SET_UP = 0;
        private static final int REAP_AT_EXIT = 2;
        private static final int TAG = 3;
        private static final int RECORD = 4;

        private final int what;
        private final Map<String, String> environment;
        private final Process process;
        private final ProcessBuilder builder;

        Call(int what) {
            this(what, null, null, null);
        }

        Call(int what, Map<String, String> environment, Process process, ProcessBuilder builder) {
            this.what = what;
            this.environment = environment;
            this.process = process;
            this.builder = builder;
        }

        @Override
        public Map<String, String> run() {
            switch (what) {
                case SET_UP: setUp(); return null;
                case REAP_AT_EXIT: reapAtExit(); return null;
                case TAG: return tag(environment);
                case RECORD: record(process, builder); return null;
                default: throw new IllegalStateException("not a call: " + what);
            }
        }
    }
}
