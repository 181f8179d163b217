package dev.reap.agent.reap;

import dev.reap.agent.log.Loggers;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Walks a set of processes down the {@link Ladder}: each rung signals every process still alive
 * at once, then waits for their exits up to the grace. A process that ignores a rung's signal
 * skips that rung instead of wasting the grace on it. It does not know who calls it: the exit
 * hook, the watchdog and the CLI share it.
 */
public final class Reaper {
    private static final Logger LOG = Loggers.get(Reaper.class);
    /** After KILL, how long to wait for the kernel to finish the job before calling it a survivor. */
    private static final long AFTER_KILL_MILLIS = 2_000;
    /** KILL rounds after the ladder for what the session still spawns: bounds an exit racing a respawning loop. */
    static final int MAX_LATE_ROUNDS = 10;
    /** How long a rung may wait before the reap counts as slow: a polite child ends on SIGINT within milliseconds. */
    static final long SLOW_MILLIS = 100;

    private final Signaller signaller;
    private final ExitWaiter waiter = new ExitWaiter();
    /** Null: none. */
    private final GroupKill group;
    private final Set<Long> excluded;
    /** Told once, with what is still alive, when a rung has waited {@value #SLOW_MILLIS} ms; null: nobody. */
    private Consumer<List<Target>> whenSlow;

    /** A reaper that starts a {@code kill} process for each SIGINT (or other non-TERM/KILL) rung. */
    public Reaper() {
        this(null);
    }

    /** A reaper that sends through {@code shell} (may be null). */
    public Reaper(SignalShell shell) {
        this(shell, null, Set.of());
    }

    /**
     * A reaper that sends through {@code shell} (may be null) and, at each KILL rung, also kills
     * {@code group} (may be null) unless it holds what must be spared ({@code excluded}, say).
     */
    public Reaper(SignalShell shell, GroupKill group, Set<Long> excluded) {
        this.signaller = new Signaller(shell);
        this.group = group;
        this.excluded = excluded;
    }

    /**
     * {@code cover} is told once of what is still alive when a rung has waited {@value #SLOW_MILLIS}
     * ms: the reap will take a grace or more, and its caller may be stopped meanwhile.
     */
    public Reaper coveringWhenSlow(Consumer<List<Target>> cover) {
        this.whenSlow = cover;
        return this;
    }

    public ReapResult reap(List<Target> targets, Ladder ladder) {
        return reap(targets, ladder, null);
    }

    /**
     * Walks {@code targets} down the ladder. {@code more} (may be null) is asked after each rung
     * for what the session has now: what it finds that is new (forked by a target during its
     * grace, or spawned by the exiting JVM) joins at the next rung; after the last rung, new ones
     * get KILL, for up to {@value #MAX_LATE_ROUNDS} more rounds, until a look finds nothing new.
     */
    public ReapResult reap(List<Target> targets, Ladder ladder, Supplier<List<Target>> more) {
        long start = System.nanoTime();
        Map<Target, Outcome> outcomes = new LinkedHashMap<>();
        List<Target> all = new ArrayList<>();
        List<Target> remaining = new ArrayList<>();
        List<Target> survivors = new ArrayList<>();
        Map<Long, Long> seen = new HashMap<>();
        // what each ignores, read with its liveness: the first rung needs no second read
        Map<Target, Long> ignoredWhenJoined = new HashMap<>();
        join(targets, all, remaining, seen, ignoredWhenJoined, outcomes);
        List<Signal> signals = ladder.signals();
        for (int rung = 0; !remaining.isEmpty(); rung++) {
            boolean late = rung >= signals.size();
            Signal signal = late ? Signal.KILL : signals.get(rung);
            boolean kill = rung >= signals.size() - 1;
            List<Target> signalled = new ArrayList<>();
            for (Target t : remaining) {
                Long ignoredMask = ignoredWhenJoined.remove(t);
                boolean ignores = ignoredMask != null ? Signaller.ignores(ignoredMask, signal) : signaller.ignores(t, signal);
                if (kill || signaller.canSend(signal) && !ignores) {
                    signalled.add(t);
                }
            }
            if (!signalled.isEmpty()) {
                LOG.debug("sending {} to {} processes", signal.fullName(), signalled.size());
                signaller.send(signal, signalled);
                if (kill && group != null) {
                    group.killAll(seen.keySet(), excluded);
                }
                // the grace counts once the signal is sent: each process gets all of it
                long rungStart = System.nanoTime();
                long wait = kill ? TimeUnit.MILLISECONDS.toNanos(AFTER_KILL_MILLIS) : ladder.grace().toNanos();
                Map<Target, Long> gone = new LinkedHashMap<>();
                long slowAt = rungStart + TimeUnit.MILLISECONDS.toNanos(SLOW_MILLIS);
                if (whenSlow != null && slowAt < rungStart + wait) {
                    waiter.await(signalled, slowAt, start, gone);
                    List<Target> alive = new ArrayList<>(remaining);
                    alive.removeAll(gone.keySet());
                    if (!alive.isEmpty()) {
                        Consumer<List<Target>> cover = whenSlow;
                        whenSlow = null;
                        cover.accept(alive);
                    }
                    List<Target> waiting = new ArrayList<>(signalled);
                    waiting.removeAll(gone.keySet());
                    waiter.await(waiting, rungStart + wait, start, gone);
                } else {
                    waiter.await(signalled, rungStart + wait, start, gone);
                }
                Set<Target> signalledSet = new HashSet<>(signalled);
                for (Target t : new ArrayList<>(remaining)) {
                    Long after = gone.get(t);
                    if (after == null && !signalledSet.contains(t) && !t.isAlive()) {
                        after = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    }
                    if (after != null) {
                        outcomes.put(t, new Outcome(t, Outcome.Kind.ENDED, signal, after));
                        remaining.remove(t);
                        if (LOG.isDebugEnabled()) {
                            LOG.debug("{} ended on {} after {}ms", t, signal.fullName(), after);
                        }
                    } else if (kill && signalledSet.contains(t)) {
                        // KILL did not end it within the wait: another round would not either
                        survivors.add(t);
                        remaining.remove(t);
                    }
                }
            }
            boolean lastLook = late && rung - signals.size() + 1 >= MAX_LATE_ROUNDS;
            if (more != null && !lastLook) {
                int before = remaining.size();
                join(more.get(), all, remaining, seen, ignoredWhenJoined, outcomes);
                if (remaining.size() > before && LOG.isDebugEnabled()) {
                    LOG.debug("{} more processes of the session found after {}", remaining.size() - before,
                            signal.fullName());
                }
            }
            if (lastLook) {
                break;
            }
        }
        survivors.addAll(remaining);
        for (Target t : survivors) {
            outcomes.put(t, new Outcome(t, Outcome.Kind.SURVIVED, null,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
        }
        List<Outcome> ordered = new ArrayList<>();
        for (Target t : all) {
            ordered.add(outcomes.get(t));
        }
        return new ReapResult(ordered, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** Adds the targets not seen before: the live ones to {@code remaining}, the rest as gone. */
    private static void join(List<Target> found, List<Target> all, List<Target> remaining, Map<Long, Long> seen,
                             Map<Target, Long> ignoredWhenJoined, Map<Target, Outcome> outcomes) {
        for (Target t : found) {
            Long known = seen.put(t.pid(), t.startTicks());
            if (known != null && known == t.startTicks()) {
                continue;
            }
            all.add(t);
            long ignored = t.ignoredSignalsIfAlive();
            if (ignored >= 0) {
                remaining.add(t);
                ignoredWhenJoined.put(t, ignored);
            } else {
                outcomes.put(t, new Outcome(t, Outcome.Kind.GONE, null, 0));
            }
        }
    }
}
