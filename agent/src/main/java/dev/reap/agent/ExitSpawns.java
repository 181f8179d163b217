package dev.reap.agent;

import dev.reap.agent.config.ConfigLoader;
import dev.reap.agent.reap.Target;
import dev.reap.agent.session.Child;
import dev.reap.agent.session.Registry;
import dev.reap.agent.session.Session;
import dev.reap.agent.watchdog.AfterExitWatch;

import java.io.File;
import java.util.List;
import java.util.function.Consumer;

/**
 * Spawns around the exit. One recorded after the exit began (made then, or under way: another
 * shutdown hook starts with this one) is left alone by the exit hook, as another hook's helper
 * must be let do its job, and is the {@link AfterExitWatch}'s, which ends it once the JVM is gone.
 * The after-exit watch is started before such a child exists, and by the hook itself when a spawn
 * was made or under way during its reaping: a daemon thread that spawns may be frozen by the
 * JVM's halt before it could start it.
 */
final class ExitSpawns implements Consumer<List<Target>> {
    private final Registry registry;
    private final Session session;
    private final ConfigLoader configs;
    private final File agentJar;
    private final boolean watchdog;
    /** Made when first needed (its class too), then guarded by this; null with {@code reap.watchdog=false}. */
    private AfterExitWatch afterExit;
    /**
     * A start that failed throws before the agent hears of it, so {@code underWay} can only grow
     * by those: only a spawn tagged within this long is taken for one still under way.
     */
    private static final long UNDER_WAY_NANOS = 1_000_000_000L;
    /** Never registered: removing it throws once the JVM's shutdown has begun (the JDK says so no other way). */
    private static final Thread NEVER_A_HOOK = new Thread("reap-agent-probe");

    /** Guarded by this: spawns between their tag and their record, the last tag, whether one came during the exit, its start. */
    private int underWay;
    private long lastTagNanos;
    private boolean duringExit;
    /** -1 until the exit begins; then its clock ticks after boot. */
    private volatile long exitTicks = -1;

    ExitSpawns(Registry registry, Session session, ConfigLoader configs, File agentJar, boolean watchdog) {
        this.registry = registry;
        this.session = session;
        this.configs = configs;
        this.agentJar = agentJar;
        this.watchdog = watchdog;
    }

    private synchronized AfterExitWatch afterExit() {
        if (afterExit == null && watchdog) {
            afterExit = new AfterExitWatch(session, configs, agentJar);
        }
        return afterExit;
    }

    /** The exit hook begins, at {@code ticks} after boot. */
    void exitBegun(long ticks) {
        synchronized (this) {
            // once: set-up during the exit says it first, and a spawn may have come in between
            if (exitTicks < 0) {
                duringExit |= underWayNow();
                exitTicks = ticks;
            }
        }
    }

    /** Guarded by this. */
    private boolean underWayNow() {
        return underWay > 0 && System.nanoTime() - lastTagNanos < UNDER_WAY_NANOS;
    }

    /**
     * True once the JVM's shutdown has begun: every shutdown hook starts at once, and another
     * hook's spawn may come before this agent's hook has said the exit began.
     */
    private static boolean shuttingDown() {
        try {
            Runtime.getRuntime().removeShutdownHook(NEVER_A_HOOK);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /** Before a spawn's child starts. */
    void starting() {
        boolean exiting;
        boolean shutdown = exitTicks < 0 && shuttingDown();
        synchronized (this) {
            underWay++;
            lastTagNanos = System.nanoTime();
            exiting = exitTicks >= 0 || shutdown;
            duringExit |= exiting;
        }
        AfterExitWatch watch = exiting ? afterExit() : null;
        if (watch != null) {
            watch.ensureStarted();
        }
    }

    /**
     * A child started: recorded as the exit hook's or, after the exit began, the after-exit
     * watch's; true in that second case (the watchdog is not told of it then).
     */
    boolean record(Child child) {
        boolean exiting;
        boolean shutdown = exitTicks < 0 && shuttingDown();
        synchronized (this) {
            underWay = Math.max(0, underWay - 1);
            exiting = exitTicks >= 0 || shutdown;
            duringExit |= exiting;
        }
        if (!exiting) {
            registry.record(child);
            return false;
        }
        registry.recordAfterExitBegan(child);
        AfterExitWatch watch = afterExit();
        if (watch != null) {
            watch.spawned(child.process());
        }
        return true;
    }

    /**
     * The exit's reap turned slow with {@code alive} still alive: the after-exit watch starts now and
     * is told of them, so that a JVM halted during the rest of the ladder (Surefire's exit timeout,
     * a CI runner's {@code kill -9}) leaves nothing behind.
     */
    @Override
    public void accept(List<Target> alive) {
        AfterExitWatch watch = afterExit();
        if (watch == null) {
            return;
        }
        watch.ensureStarted();
        for (Target t : alive) {
            watch.known(t.pid(), t.startTicks());
        }
    }

    /** At the hook's end: one spawn came or was under way during the exit, so the after-exit watch must run. */
    void exitReaped() {
        boolean needed;
        synchronized (this) {
            needed = duringExit || underWayNow();
        }
        AfterExitWatch watch = needed ? afterExit() : null;
        if (watch != null) {
            watch.ensureStarted();
        }
    }
}
