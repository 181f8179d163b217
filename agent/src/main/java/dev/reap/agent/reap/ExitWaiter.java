package dev.reap.agent.reap;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Waits until processes exit or a deadline passes.
 *
 * <p>Processes are checked on a short backoff (1, 2, 4, then every 5 ms): a child through
 * the JDK or as a zombie in {@code /proc}, any other process in {@code /proc} (it has no exit
 * event a JVM can wait on without native code: the JDK's own {@code onExit} polls non-children
 * every 300 ms or more). Between checks it waits on a child with
 * {@link Process#waitFor(long, TimeUnit)}, which the JDK's reaper thread wakes at once. A
 * cooperative process costs milliseconds, not a poll interval.
 */
final class ExitWaiter {
    private static final long MAX_POLL_MILLIS = 5;

    /**
     * Waits for the {@code pending} targets; each one seen gone is put in {@code gone} with the
     * milliseconds from {@code startNanos} to when it was seen gone.
     */
    void await(List<Target> pending, long deadlineNanos, long startNanos, Map<Target, Long> gone) {
        List<Target> waiting = new ArrayList<>(pending);
        long pollMillis = 1;
        while (true) {
            // Each pass stops at the first process still alive: it must be waited for anyway,
            // and a pass over all would read /proc for every one while they are all exiting.
            Target firstAlive = null;
            for (Iterator<Target> it = waiting.iterator(); it.hasNext(); ) {
                Target t = it.next();
                if (t.isAlive()) {
                    firstAlive = t;
                    break;
                }
                gone.put(t, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
                it.remove();
            }
            long remaining = deadlineNanos - System.nanoTime();
            if (waiting.isEmpty()) {
                return;
            }
            if (remaining <= 0) {
                // the deadline passed: one full pass records every process behind the first live one
                for (Target t : waiting) {
                    if (!t.isAlive()) {
                        gone.put(t, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
                    }
                }
                return;
            }
            // children too are polled (as zombies, see Target.hasExited), but their wait also
            // ends the moment the JDK reaps the first of them
            long waitNanos = Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(pollMillis));
            try {
                if (firstAlive != null && firstAlive.process() != null) {
                    firstAlive.process().waitFor(waitNanos, TimeUnit.NANOSECONDS);
                } else {
                    TimeUnit.NANOSECONDS.sleep(waitNanos);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            pollMillis = Math.min(MAX_POLL_MILLIS, pollMillis * 2);
        }
    }
}
