package dev.reap.agent.reap;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits until processes exit or a deadline passes. Children wake it through their exit events;
 * other processes have none a JVM can wait on without native code (the JDK's own
 * {@code onExit} polls non-children every 300 ms or more), so they are checked in {@code /proc}
 * on a short backoff: 1, 2, 4, 8, then every 10 ms. A cooperative process costs milliseconds.
 */
final class ExitWaiter {
    private static final long MAX_POLL_MILLIS = 10;

    /**
     * Waits for the {@code pending} targets; each one seen gone is put in {@code gone} with the
     * milliseconds from {@code startNanos} to when it was seen gone.
     */
    void await(List<Target> pending, long deadlineNanos, long startNanos, Map<Target, Long> gone) {
        List<Target> waiting = new ArrayList<>(pending);
        long pollMillis = 1;
        while (true) {
            for (Iterator<Target> it = waiting.iterator(); it.hasNext(); ) {
                Target t = it.next();
                if (!t.isAlive()) {
                    gone.put(t, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
                    it.remove();
                }
            }
            long remaining = deadlineNanos - System.nanoTime();
            if (waiting.isEmpty() || remaining <= 0) {
                return;
            }
            long waitNanos = Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(pollMillis));
            List<CompletableFuture<?>> events = new ArrayList<>();
            boolean allChildren = true;
            for (Target t : waiting) {
                CompletableFuture<?> event = t.exitEvent();
                if (event != null) {
                    events.add(event);
                } else {
                    allChildren = false;
                }
            }
            if (allChildren) {
                // all are our children: sleep until one of them exits, however long that takes
                waitNanos = remaining;
            } else {
                pollMillis = Math.min(MAX_POLL_MILLIS, pollMillis * 2);
            }
            if (!sleep(events, waitNanos)) {
                return;
            }
        }
    }

    /** @return false when interrupted */
    private static boolean sleep(List<CompletableFuture<?>> events, long nanos) {
        try {
            if (events.isEmpty()) {
                TimeUnit.NANOSECONDS.sleep(nanos);
            } else {
                CompletableFuture.anyOf(events.toArray(new CompletableFuture<?>[0])).get(nanos, TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
