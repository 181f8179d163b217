package dev.reap.agent.junit;

import dev.reap.agent.Agent;
import dev.reap.agent.config.Config;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.reap.Outcome;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.report.Origin;
import dev.reap.agent.report.Reaping;
import dev.reap.agent.report.Summary;
import dev.reap.agent.session.Child;
import dev.reap.agent.session.Session;
import dev.reap.agent.shutdown.TargetCollector;
import dev.reap.agent.spawn.SpawnRecorder;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JUnit scopes running in this JVM, as {@link ReapTestListener} reports them, and which one
 * runs on each thread: every spawn is attributed to the scope of its thread. A thread started
 * inside a test inherits the test's scope (an {@link InheritableThreadLocal}); a pool's threads
 * made before the test (the common fork-join pool, an executor shared across tests) keep the scope
 * they were made in, or none.
 *
 * <p>When a scope finishes with children of its own still alive: with {@code reap.scope=test} they
 * are reaped there and then (with their descendants); else, with {@code reap.leaks=warn}, one line
 * names them. Nothing here runs unless the agent is loaded and JUnit reports a test plan.
 */
public final class TestScopes {
    /**
     * With {@code reap.scope=test}, every child gets this in its environment: the scope that
     * spawned it, {@code <session id>/<n>}. It is how a {@code setsid} daemon that left the test's
     * process tree is still found when the test ends.
     */
    public static final String TAG = "REAP_AGENT_SCOPE";
    private static final Logger LOG = Loggers.get(TestScopes.class);
    private static TestScopes instance;

    private final Config config;
    private final String session;
    private final AtomicLong serial = new AtomicLong();
    private final InheritableThreadLocal<TestScope> current = new InheritableThreadLocal<>();
    private final Map<String, TestScope> running = new ConcurrentHashMap<>();
    private final List<Outcome> reaped = Collections.synchronizedList(new ArrayList<>());
    private volatile TestScope run;

    private TestScopes(Config config) {
        this.config = config;
        // only reap.scope=test tags children with their scope
        this.session = config.scope() == Config.Scope.TEST ? Session.current(System.getenv()).id() : null;
    }

    /** The scopes of this JVM, or null when the agent is not running in it (JUnit found the jar on a class path only). */
    public static synchronized TestScopes get() {
        if (instance == null) {
            Config config = Agent.runningConfig();
            if (config == null) {
                return null;
            }
            instance = new TestScopes(config);
            SpawnRecorder.attributeTo(instance);
        }
        return instance;
    }

    /** The scope running on this thread, or null outside tests. */
    public TestScope current() {
        return current.get();
    }

    /** The tag for a child spawned on this thread now, or null (no scope, or {@code reap.scope=jvm}). */
    public String tagForCurrentThread() {
        TestScope scope = current.get();
        return scope == null ? null : scope.tag();
    }

    /** What was reaped when scopes finished, for the report written at exit. */
    public List<Outcome> reaped() {
        synchronized (reaped) {
            return new ArrayList<>(reaped);
        }
    }

    void runStarted() {
        TestScope scope = newScope(null, null);
        run = scope;
        current.set(scope);
    }

    void runFinished() {
        TestScope scope = run;
        if (scope != null) {
            end(scope);
        }
    }

    /** A test or class started on this thread; {@code parentId} may name a scope not tracked (the engine). */
    void started(String id, String parentId, String name) {
        TestScope parent = parentId == null ? null : running.get(parentId);
        TestScope scope = newScope(name, parent != null ? parent : run);
        running.put(id, scope);
        current.set(scope);
    }

    private TestScope newScope(String name, TestScope parent) {
        if (config.scope() != Config.Scope.TEST) {
            return new TestScope(name, parent, current.get(), null, 0);
        }
        // a second early: a process this scope spawns cannot have started before it
        long now = ProcFs.available() ? (long) (ProcFs.uptimeSeconds() * ProcFs.TICKS_PER_SECOND) - ProcFs.TICKS_PER_SECOND : 0;
        return new TestScope(name, parent, current.get(), session + "/" + serial.incrementAndGet(), Math.max(0, now));
    }

    void finished(String id) {
        TestScope scope = running.remove(id);
        if (scope != null) {
            end(scope);
        }
    }

    private void end(TestScope scope) {
        if (current.get() == scope) {
            current.set(scope.previousOnThread());
        }
        try {
            if (config.scope() == Config.Scope.TEST) {
                if (scope.spawnedAny()) {
                    reap(scope, scope.liveChildren());
                }
                return;
            }
            List<Child> live = scope.liveChildren();
            if (!live.isEmpty() && config.leaks() == Config.Leaks.WARN && scope.name() != null) {
                warn(scope, live);
            }
        } catch (Throwable t) {
            // a test run must never fail because of the agent
            LOG.warn("cannot end the processes of {}", scope, t);
        }
    }

    private void warn(TestScope scope, List<Child> live) {
        StringBuilder line = new StringBuilder().append(scope).append(" finished with ").append(live.size())
                .append(live.size() == 1 ? " process" : " processes").append(" it spawned still alive: ");
        for (int i = 0; i < live.size() && i < 5; i++) {
            Child c = live.get(i);
            line.append(i == 0 ? "" : ", ").append("pid ").append(c.pid()).append(" '")
                    .append(Summary.oneLine(c.commandLine())).append("' spawned at ").append(c.site());
        }
        if (live.size() > 5) {
            line.append(", and ").append(live.size() - 5).append(" more");
        }
        LOG.warn(line.toString());
    }

    private void reap(TestScope scope, List<Child> live) {
        Reaping reaping = new Reaping(TargetCollector.treesOf(live, TAG, scope.tag(), scope.startTicks(),
                Origin.taggedBy(scope.name())), config);
        if (reaping.targets().isEmpty()) {
            return;
        }
        reaped.addAll(reaping.reap(config, null, scope + " finished: ", scope + ": ", null, "scope").outcomes());
    }
}
