package dev.reap.bench;

/**
 * The start-up benchmark's host: one spawn of {@code true}, waited for, and nothing else. No
 * output: building a line with string concatenation would bootstrap {@code invokedynamic} in
 * every variant alike, milliseconds that make the agent's ratio look smaller than it is.
 */
public final class SpawnOnce {
    private SpawnOnce() {
    }

    public static void main(String[] args) throws Exception {
        new ProcessBuilder("true").start().waitFor();
    }
}
