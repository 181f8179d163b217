package dev.reap.it.hosts;

/** Spawns {@code true} N times in sequence, waiting for each; prints the nanoseconds it took. */
public final class SpawnLoopHost {
    private SpawnLoopHost() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        new ProcessBuilder("true").start().waitFor(); // the first spawn's class loading is not the loop's
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            new ProcessBuilder("true").start().waitFor();
        }
        System.out.println(System.nanoTime() - start);
    }
}
