package dev.reap.agent.reap;

import dev.reap.agent.log.Loggers;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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

    private final Signaller signaller;
    private final ExitWaiter waiter = new ExitWaiter();

    /** A reaper that starts a {@code kill} process for each SIGINT (or other non-TERM/KILL) rung. */
    public Reaper() {
        this(null);
    }

    /** A reaper that sends through {@code shell} (may be null). */
    public Reaper(SignalShell shell) {
        this.signaller = new Signaller(shell);
    }

    public ReapResult reap(List<Target> targets, Ladder ladder) {
        long start = System.nanoTime();
        Map<Target, Outcome> outcomes = new LinkedHashMap<>();
        List<Target> remaining = new ArrayList<>();
        // what each ignores, read with its liveness: the first rung needs no second read
        Map<Target, Long> ignoredAtStart = new java.util.HashMap<>();
        for (Target t : targets) {
            long ignored = t.ignoredSignalsIfAlive();
            if (ignored >= 0) {
                remaining.add(t);
                ignoredAtStart.put(t, ignored);
            } else {
                outcomes.put(t, new Outcome(t, Outcome.Kind.GONE, null, 0));
            }
        }
        List<Signal> signals = ladder.signals();
        for (int rung = 0; rung < signals.size() && !remaining.isEmpty(); rung++) {
            Signal signal = signals.get(rung);
            boolean last = rung == signals.size() - 1;
            List<Target> signalled = new ArrayList<>();
            for (Target t : remaining) {
                boolean ignores = rung == 0 ? Signaller.ignores(ignoredAtStart.get(t), signal) : signaller.ignores(t, signal);
                if (last || signaller.canSend(signal) && !ignores) {
                    signalled.add(t);
                }
            }
            if (signalled.isEmpty()) {
                continue;
            }
            LOG.debug("sending {} to {} processes", signal.fullName(), signalled.size());
            signaller.send(signal, signalled);
            // the grace counts once the signal is sent: each process gets all of it
            long rungStart = System.nanoTime();
            long wait = last ? TimeUnit.MILLISECONDS.toNanos(AFTER_KILL_MILLIS) : ladder.grace().toNanos();
            Map<Target, Long> gone = new LinkedHashMap<>();
            waiter.await(signalled, rungStart + wait, start, gone);
            java.util.Set<Target> signalledSet = new java.util.HashSet<>(signalled);
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
                }
            }
        }
        for (Target t : remaining) {
            outcomes.put(t, new Outcome(t, Outcome.Kind.SURVIVED, null,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
        }
        List<Outcome> ordered = new ArrayList<>();
        for (Target t : targets) {
            ordered.add(outcomes.get(t));
        }
        return new ReapResult(ordered, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
}
