package dev.reap.agent.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Real child processes for tests, each ended (with its descendants) by {@link #close()}, so a
 * test never leaves one behind, whatever it asserted.
 */
public final class Children implements AutoCloseable {
    private final List<Process> started = new ArrayList<>();

    public Process start(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(p);
        return p;
    }

    /** A {@code sh -c script} child. */
    public Process sh(String script) throws IOException {
        return start("sh", "-c", script);
    }

    /** Starts a shell script that prints {@code ready} once its traps are set, and waits for that line. */
    public Process shReady(String script) throws IOException {
        Process p = sh(script);
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (!"ready".equals(line)) {
            throw new IllegalStateException("expected 'ready' from " + script + ", got " + line);
        }
        return p;
    }

    public List<Process> started() {
        return started;
    }

    @Override
    public void close() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : started) {
            try {
                p.onExit().get();
            } catch (Exception ignored) {
                // the test fails on its own assertions; this only cleans up
            }
        }
    }

    /** Waits for a condition, up to a bound; false when the bound passed first. */
    public static boolean await(Duration bound, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }
}
