package dev.reap.agent;

import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.session.Child;
import dev.reap.agent.session.Registry;
import dev.reap.agent.watchdog.AfterExitWatch;

/**
 * Spawns around the exit. One whose child started after the exit began is left alone by the exit
 * hook (another hook's helper must be let do its job) and is the {@link AfterExitWatch}'s, which
 * ends it once the JVM is gone; one under way when the exit began is the hook's. The after-exit
 * watch is started before any such child exists, and by the hook itself when a spawn was made or
 * under way during its reaping: a daemon thread that spawns may be frozen by the JVM's halt
 * before it could start it.
 */
final class ExitSpawns {
    private final Registry registry;
    /** May be null ({@code reap.watchdog=false}). */
    private final AfterExitWatch afterExit;
    /** Guarded by this: spawns between their tag and their record, whether one came during the exit, its start. */
    private int underWay;
    private boolean duringExit;
    /** -1 until the exit begins; then its clock ticks after boot. */
    private volatile long exitTicks = -1;

    ExitSpawns(Registry registry, AfterExitWatch afterExit) {
        this.registry = registry;
        this.afterExit = afterExit;
    }

    /** The exit hook begins, at {@code ticks} after boot. */
    void exitBegun(long ticks) {
        synchronized (this) {
            duringExit = underWay > 0;
            exitTicks = ticks;
        }
    }

    /** Before a spawn's child starts. */
    void starting() {
        boolean exiting;
        synchronized (this) {
            underWay++;
            exiting = exitTicks >= 0;
            duringExit |= exiting;
        }
        if (exiting && afterExit != null) {
            afterExit.ensureStarted();
        }
    }

    /** A child started: recorded as the exit hook's or, after the exit began, the after-exit watch's. */
    void record(Child child) {
        long exit;
        synchronized (this) {
            underWay = Math.max(0, underWay - 1);
            exit = exitTicks;
            duringExit |= exit >= 0;
        }
        if (exit < 0) {
            registry.record(child);
            return;
        }
        ProcStat stat = ProcFs.stat(child.pid());
        if (stat == null || stat.startTicks() >= exit) {
            registry.recordAfterExitBegan(child);
        } else {
            registry.record(child);
        }
        if (afterExit != null) {
            afterExit.spawned(child.process());
        }
    }

    /** True once the exit began: the watchdog is not told of new children then. */
    boolean exiting() {
        return exitTicks >= 0;
    }

    /** At the hook's end: one spawn came or was under way during the exit, so the after-exit watch must run. */
    void exitReaped() {
        boolean needed;
        synchronized (this) {
            needed = duringExit || underWay > 0;
        }
        if (needed && afterExit != null) {
            afterExit.ensureStarted();
        }
    }
}
