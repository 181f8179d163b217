package dev.reap.agent.scope;

import dev.reap.agent.config.Config;
import dev.reap.agent.find.ScopeTags;
import dev.reap.agent.find.SessionTargets;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.proc.ProcClock;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.SessionCgroup;
import dev.reap.agent.reap.Origin;
import dev.reap.agent.reap.Outcome;
import dev.reap.agent.reap.Target;
import dev.reap.agent.report.Reaping;
import dev.reap.agent.report.Summary;
import dev.reap.agent.session.Child;
import dev.reap.agent.session.Session;
import dev.reap.agent.session.SpawnSite;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JUnit scopes running in this JVM, as the agent's JUnit listener reports them, and which one
 * runs on each thread: every spawn is attributed to the scope of its thread. A thread started
 * inside a test inherits the test's scope (an {@link InheritableThreadLocal}); a pool's threads
 * made before the test (the common fork-join pool, an executor shared across tests) keep the scope
 * they were made in, or none.
 *
 * <p>A child spawned in a scope carries the scope's tag ({@value Session#SCOPE_TAG}), and so do
 * its descendants, daemons that left the tree included: each is attributed to its test, at the
 * test's end and at exit ({@link ScopeTags}). When a scope finishes with processes of its own
 * still alive: with {@code reap.scope=test} they are reaped there and then; else, with
 * {@code reap.leaks=warn}, one line names them. Nothing here runs unless the agent is loaded and
 * JUnit reports a test plan.
 */
public final class TestScopes implements ScopeTags {
    private static final Logger LOG = Loggers.get(TestScopes.class);

    private final Config config;
    private final String session;
    private final AtomicLong serial = new AtomicLong();
    private final InheritableThreadLocal<TestScope> current = new InheritableThreadLocal<>();
    private final Map<String, TestScope> running = new ConcurrentHashMap<>();
    /** The scopes that tagged a spawn, by tag: while they run, then, once finished, what names them. */
    private final Map<String, TestScope> taggedRunning = new ConcurrentHashMap<>();
    private final Map<String, Origin> taggedFinished = new ConcurrentHashMap<>();
    private final List<Outcome> reaped = Collections.synchronizedList(new ArrayList<>());
    private volatile TestScope run;
    /** True where no test plan reports the tests (JUnit 4's runners, TestNG): a spawn's test is read off its stack ({@link TestFrames}). */
    private final boolean fromStacks;
    private final Map<String, TestScope> onStacks = new ConcurrentHashMap<>();

    /** The session's cgroup, or null: a test's end reads only its members. */
    private final SessionCgroup cgroup;

    /** {@code session}: whose id names the scope tags; {@code cgroup}: the session's, or null. */
    public TestScopes(Config config, Session session, SessionCgroup cgroup) {
        this(config, session, cgroup, false);
    }

    private TestScopes(Config config, Session session, SessionCgroup cgroup, boolean fromStacks) {
        this.config = config;
        this.session = session.id();
        this.cgroup = cgroup;
        this.fromStacks = fromStacks;
    }

    /**
     * Test scopes read off the spawning threads' stacks, for a JVM started to run tests
     * ({@link TestFrames#inTestRunner()}: asked first, so that no other JVM loads this class). A
     * JUnit Platform run reports its own scopes to the same object, and those come first.
     */
    public static TestScopes fromStacks(Config config, Session session, SessionCgroup cgroup) {
        return new TestScopes(config, session, cgroup, true);
    }

    /** The scope running on this thread, or null outside tests. */
    public TestScope current() {
        TestScope scope = current.get();
        if (scope != null || !fromStacks) {
            return scope;
        }
        String test = TestFrames.testOnStack();
        if (test == null) {
            return null;
        }
        TestScope known = onStacks.get(test);
        if (known != null) {
            return known;
        }
        TestScope made = new TestScope(test, null, null);
        known = onStacks.putIfAbsent(test, made);
        return known != null ? known : made;
    }

    /** The tag for a child spawned on this thread now (the scope gets one at its first spawn), or null outside tests. */
    public String tagForCurrentThread() {
        TestScope scope = current();
        if (scope == null) {
            return null;
        }
        String tag = scope.tag();
        if (tag != null) {
            return tag;
        }
        // a second early: a process with this tag cannot have started before it
        long now = ProcFs.available() ? (long) (ProcClock.uptimeSeconds() * ProcClock.TICKS_PER_SECOND) - ProcClock.TICKS_PER_SECOND : 0;
        String given = session + "/" + serial.incrementAndGet();
        tag = scope.tag(given, Math.max(0, now));
        if (tag.equals(given)) {
            taggedRunning.put(tag, scope);
        }
        return tag;
    }

    @Override
    public Origin originOf(String scopeTag) {
        Origin finished = taggedFinished.get(scopeTag);
        if (finished != null) {
            return finished;
        }
        TestScope scope = taggedRunning.get(scopeTag);
        return scope == null ? null : originOf(scope);
    }

    private static Origin originOf(TestScope scope) {
        String site = scope.onlySite();
        return Origin.taggedBy(scope.name(), site == null ? null : SpawnSite.named(site));
    }

    /** What was reaped when scopes finished, for the report written at exit. */
    public List<Outcome> reaped() {
        synchronized (reaped) {
            return new ArrayList<>(reaped);
        }
    }

    public void runStarted() {
        TestScope scope = newScope(null, null);
        run = scope;
        current.set(scope);
    }

    public void runFinished() {
        TestScope scope = run;
        if (scope != null) {
            end(scope);
        }
    }

    /** A test or class started on this thread; {@code parentId} may name a scope not tracked (the engine). */
    public void started(String id, String parentId, String name) {
        TestScope parent = parentId == null ? null : running.get(parentId);
        TestScope scope = newScope(name, parent != null ? parent : run);
        running.put(id, scope);
        current.set(scope);
    }

    private TestScope newScope(String name, TestScope parent) {
        return new TestScope(name, parent, current.get());
    }

    public void finished(String id) {
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
            if (!scope.spawnedAny()) {
                return;
            }
            if (config.scope() == Config.Scope.TEST) {
                reap(scope, scope.liveChildren());
            } else if (config.leaks() == Config.Leaks.WARN && scope.name() != null) {
                List<Target> live = SessionTargets.ofTest(scope.liveChildren(), scope.tag(), scope.startTicks(), this, cgroup);
                if (!live.isEmpty()) {
                    warn(scope, live);
                }
            }
        } catch (Throwable t) {
            // a test run must never fail because of the agent
            LOG.warn("cannot end the processes of {}", scope, t);
        } finally {
            String tag = scope.tag();
            if (tag != null && taggedRunning.remove(tag) != null) {
                taggedFinished.put(tag, originOf(scope));
            }
        }
    }

    private void warn(TestScope scope, List<Target> live) {
        StringBuilder line = new StringBuilder().append(scope).append(" finished with ").append(live.size())
                .append(live.size() == 1 ? " process" : " processes").append(" it spawned still alive: ");
        for (int i = 0; i < live.size() && i < 5; i++) {
            Target t = live.get(i);
            line.append(i == 0 ? "" : ", ").append("pid ").append(t.pid()).append(" '")
                    .append(Summary.oneLine(t.commandLine())).append("' ").append(t.origin().describeSpawn());
        }
        if (live.size() > 5) {
            line.append(", and ").append(live.size() - 5).append(" more");
        }
        LOG.warn(line.toString());
    }

    private void reap(TestScope scope, List<Child> live) {
        Reaping reaping = Reaping.atTestEnd(config, scope.toString(),
                SessionTargets.ofTest(live, scope.tag(), scope.startTicks(), this, cgroup))
                .lookingAgainWith(() -> SessionTargets.ofTest(live, scope.tag(), scope.startTicks(), this, cgroup));
        if (!reaping.targets().isEmpty()) {
            reaped.addAll(reaping.reap(null).outcomes());
        }
    }
}
