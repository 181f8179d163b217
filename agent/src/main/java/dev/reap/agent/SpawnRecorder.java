package dev.reap.agent;

import dev.reap.agent.log.Log;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.proc.OwnSpawns;
import dev.reap.agent.scope.TestScope;
import dev.reap.agent.scope.TestScopes;
import dev.reap.agent.session.Child;
import dev.reap.agent.session.Registry;
import dev.reap.agent.session.Session;
import dev.reap.agent.session.SpawnSite;
import dev.reap.agent.watchdog.Watchdog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the spawn hook does with each spawn. Before the child starts, it gives the child the session
 * tag: a copy of the environment it would get, with {@value Session#TAG} set to this JVM's chain
 * (and, inside a JUnit test, {@value Session#SCOPE_TAG} naming the test, which its descendants
 * inherit); the builder's own map is never changed. Once it has started, it records the child in the
 * {@link Registry}, attributes it to the JUnit test running on the spawning thread, and tells the
 * watchdog (after the exit began, {@link ExitSpawns} places it). The agent's own helper processes ({@link OwnSpawns}) get neither.
 */
public final class SpawnRecorder {
    private final String chain;
    private final boolean captureSites;
    /** False with {@code reap.tag=false}: children's environments are left as they are. */
    private final boolean tagChildren;
    /** May be null ({@code reap.watchdog=false}). */
    private final Watchdog watchdog;
    /** Set once JUnit reports a test plan in this JVM; until then a spawn pays nothing for it. */
    private volatile TestScopes scopes;
    private final ExitSpawns aroundExit;

    /** {@code chain}: the session chain children get ({@link Session#chain()}); {@code aroundExit} may be null. */
    public SpawnRecorder(String chain, Registry registry, boolean captureSites, boolean tagChildren, Watchdog watchdog,
                         ExitSpawns aroundExit) {
        this.chain = chain;
        this.tagChildren = tagChildren;
        this.captureSites = captureSites;
        this.watchdog = watchdog;
        // null: no after-exit watch (tests of the hook alone)
        this.aroundExit = aroundExit != null ? aroundExit : new ExitSpawns(registry, null, null, null, false);
    }

    /** From now on, every spawn is attributed to the JUnit scope running on its thread. */
    void attributeTo(TestScopes testScopes) {
        scopes = testScopes;
    }

    /** The spawns around the exit. */
    ExitSpawns aroundExit() {
        return aroundExit;
    }

    /** The environment the child gets: {@code environment} (null: the JVM's own) with the tags. */
    public Map<String, String> tag(Map<String, String> environment) {
        if (OwnSpawns.inProgress()) {
            return environment;
        }
        aroundExit.starting();
        if (!tagChildren) {
            return environment;
        }
        TestScopes tests = scopes;
        String scope = tests == null ? null : tests.tagForCurrentThread();
        if (environment != null && chain.equals(environment.get(Session.TAG))
                && (scope == null || scope.equals(environment.get(Session.SCOPE_TAG)))) {
            return environment;
        }
        // A fresh builder's environment() is the JDK's own map type, which ProcessImpl requires.
        Map<String, String> tagged = new ProcessBuilder().environment();
        if (environment != null) {
            tagged.clear();
            tagged.putAll(environment);
        }
        tagged.put(Session.TAG, chain);
        if (scope != null) {
            tagged.put(Session.SCOPE_TAG, scope);
        }
        return tagged;
    }

    public void record(Process process, ProcessBuilder builder) {
        if (OwnSpawns.inProgress()) {
            return;
        }
        List<String> command = new ArrayList<>(builder.command());
        SpawnSite site = captureSites ? SpawnSite.capture() : SpawnSite.UNKNOWN;
        TestScopes tests = scopes;
        TestScope scope = tests == null ? null : tests.current();
        Child child = new Child(process, command, System.currentTimeMillis(), site, scope == null ? null : scope.name());
        if (!aroundExit.record(child) && watchdog != null) {
            watchdog.spawned(process);
        }
        if (scope != null) {
            scope.spawned(child);
        }
        if (Log.debugEnabled()) {
            Loggers.get(SpawnRecorder.class).debug("recorded {} spawned at {}", child, site);
        }
    }
}
