package dev.reap.agent.spawn;

import dev.reap.agent.junit.TestScope;
import dev.reap.agent.junit.TestScopes;
import dev.reap.agent.log.Log;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.session.Child;
import dev.reap.agent.session.Registry;
import dev.reap.agent.session.SpawnSite;
import dev.reap.agent.watchdog.Watchdog;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/** Records every process the host starts into the {@link Registry}, and tells the watchdog. */
public final class SpawnRecorder implements BiConsumer<Process, ProcessBuilder> {
    /** Loaded only when debug lines are wanted. */
    private static final class Logs {
        static final Logger LOG = Loggers.get(SpawnRecorder.class);
    }

    /** Set once JUnit reports a test plan in this JVM; until then a spawn pays nothing for it. */
    private static volatile TestScopes scopes;

    private final Registry registry;
    private final boolean captureSites;
    private final Watchdog watchdog;

    /** {@code watchdog} may be null ({@code reap.watchdog=false}). */
    public SpawnRecorder(Registry registry, boolean captureSites, Watchdog watchdog) {
        this.registry = registry;
        this.captureSites = captureSites;
        this.watchdog = watchdog;
    }

    /** From now on, every spawn is attributed to the JUnit scope running on its thread. */
    public static void attributeTo(TestScopes testScopes) {
        scopes = testScopes;
    }

    /** The JUnit scopes of this JVM, or null when no test plan ran. */
    public static TestScopes testScopes() {
        return scopes;
    }

    @Override
    public void accept(Process process, ProcessBuilder builder) {
        if (OwnSpawns.inProgress()) {
            return;
        }
        List<String> command = new ArrayList<>(builder.command());
        SpawnSite site = captureSites ? SpawnSite.capture() : SpawnSite.UNKNOWN;
        TestScopes tests = scopes;
        TestScope scope = tests == null ? null : tests.current();
        Child child = new Child(process, command, System.currentTimeMillis(), site, scope == null ? null : scope.name());
        registry.record(child);
        if (scope != null) {
            scope.spawned(child);
        }
        if (watchdog != null) {
            watchdog.spawned(process);
        }
        if (Log.debugEnabled()) {
            Logs.LOG.debug("recorded {} spawned at {}", child, site);
        }
    }
}
