package dev.reap.agent;

import dev.reap.agent.attach.Adoption;
import dev.reap.agent.config.Config;
import dev.reap.agent.config.ConfigLoader;
import dev.reap.agent.find.NativeSpawns;
import dev.reap.agent.log.Log;
import dev.reap.agent.proc.SessionCgroup;
import dev.reap.agent.reap.Origin;
import dev.reap.agent.scope.TestFrames;
import dev.reap.agent.scope.TestScopes;
import dev.reap.agent.session.Adopted;
import dev.reap.agent.session.Registry;
import dev.reap.agent.session.Session;
import dev.reap.agent.shutdown.ExitReap;
import dev.reap.agent.watchdog.Watchdog;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.List;

/**
 * What a session has once its JVM spawns (or a native child is seen, or at attach, or when a JUnit
 * run asks for its test scopes): the session, its registry, the cgroup stay, the recorder, the
 * watchdog and the exit reap, made together by {@link AgentRuntime}, which owns them.
 */
final class SessionParts {
    private final Config config;
    private final Session session;
    private final Registry registry;
    /** Null: no session cgroup ({@code reap.cgroup=off}, or none could be made). */
    private final CgroupStay cgroup;
    private final ExitReap exitReap;
    /** Null with {@code reap.watchdog=false}. */
    private final Watchdog watchdog;
    private final SpawnRecorder recorder;
    /** Guarded by this; null until a test runner's stacks or a JUnit run asks. */
    private TestScopes scopes;
    /** Made by the first look, on the look's own thread: off the spawn path. */
    private NativeSpawns natives;

    /** {@code exitBegun}: the first spawn comes from another shutdown hook, or a thread still running. */
    SessionParts(Config config, ConfigLoader configs, File agentJar, Instrumentation instrumentation,
                 boolean exitBegun, long exitTicks) {
        this.config = config;
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
        if (TestFrames.inTestRunner()) {
            scopes = TestScopes.fromStacks(config, session, sessionCgroup());
            recorder.attributeTo(scopes);
        }
        if (exitBegun) {
            aroundExit.exitBegun(exitTicks);
        }
        if (Log.debugEnabled()) {
            AgentRuntime.debug("session " + session.id() + " started (" + config + ")");
        }
    }

    Session session() {
        return session;
    }

    SpawnRecorder recorder() {
        return recorder;
    }

    /** The session's cgroup the JVM is in, or null. */
    private SessionCgroup sessionCgroup() {
        return cgroup == null ? null : cgroup.cgroup();
    }

    /**
     * The exit: the watchdog is told first, and let go only after the reap (a death in between
     * leaves the rest to it); what is spawned from {@code exitTicks} on is the after-exit watch's.
     */
    void reapAtExit(long exitTicks) {
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

    /** One look for the JVM's children not spawned through {@code ProcessBuilder} (see {@link NativeSpawns}). */
    void lookForNativeSpawns() {
        NativeSpawns looker;
        synchronized (this) {
            natives = natives != null ? natives : new NativeSpawns(session, registry, !config.tag());
            looker = natives;
        }
        known(looker.look());
        if (cgroup != null && watchdog != null) {
            watchdog.inCgroup(looker.newIn(cgroup.cgroup()));
        }
    }

    /**
     * The JUnit scopes of this JVM, for the agent's listener: made when a test plan first asks, and
     * from then on every spawn is attributed to the scope running on its thread.
     */
    synchronized TestScopes testScopes() {
        if (scopes == null) {
            scopes = new TestScopes(config, session, sessionCgroup());
            recorder.attributeTo(scopes);
        }
        return scopes;
    }

    /** At attach: takes over what the JVM spawned before (see {@link Adoption}); how many processes. */
    int adopt() {
        List<Adopted> adopted = registry.adopt(Adoption.ofThisJvm());
        known(adopted);
        return adopted.size();
    }

    /** Processes the registry has come to know by PID: the watchdog is told of them. */
    private void known(List<Adopted> processes) {
        if (watchdog != null) {
            watchdog.adopted(processes);
        }
        if (Log.debugEnabled()) {
            for (Adopted a : processes) {
                AgentRuntime.debug("knows " + a + ": " + Origin.adopted(a).describe());
            }
        }
    }
}
