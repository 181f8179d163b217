package dev.reap.it.hosts;

/** Spawns {@code true} once, waits for it, prints {@code done}: the smallest host that spawns. */
public final class SpawnOnceHost {
    private SpawnOnceHost() {
    }

    public static void main(String[] args) throws Exception {
        int status = new ProcessBuilder("true").start().waitFor();
        System.out.println("done " + status);
    }
}
