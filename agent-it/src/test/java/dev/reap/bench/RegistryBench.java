package dev.reap.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The registry after many spawn-and-exit cycles: a JVM spawns {@code true} N times (two threads,
 * each waiting for its child), and reports its heap after a full GC once warmed up and again at
 * the end. Run with the agent and without it, one after the other: the agent's registry must add
 * no growth of its own (exited children leave it as it grows).
 *
 * <p>Usage: {@code RegistryBench <agent jar> <classes> <java.home> <cycles> [--agent-only]}; spawns
 * cost 3-7 ms each on a 2-core VM, so 100 000 cycles take some 10 minutes per JVM: the one command
 * runs 2 000, and BENCHMARKS.md quotes a separate {@code 100000 --agent-only} run.
 */
public final class RegistryBench {
    private RegistryBench() {
    }

    public static void main(String[] args) throws Exception {
        String jar = args[0];
        String classes = args[1];
        String home = args[2];
        String cycles = args[3];
        long[] with = run(Harness.host(home, "-javaagent:" + jar, classes, Cycles.class.getName(), cycles));
        if (args.length > 4 && args[4].equals("--agent-only")) {
            System.out.printf("%s, %s spawn-and-exit cycles%n  heap after a full GC, warmed up -> at the end:"
                    + " reap-agent %d -> %d KiB (%+d KiB); %.0f cycles/s%n", home, cycles, with[0] / 1024, with[1] / 1024,
                    (with[1] - with[0]) / 1024, with[2] / 1000.0);
            return;
        }
        long[] without = run(Harness.host(home, null, classes, Cycles.class.getName(), cycles));
        System.out.printf("%s, %s spawn-and-exit cycles%n  heap after a full GC, warmed up -> at the end:"
                        + " reap-agent %d -> %d KiB (%+d KiB), no agent %d -> %d KiB (%+d KiB); %.0f vs %.0f cycles/s%n",
                home, cycles, with[0] / 1024, with[1] / 1024, (with[1] - with[0]) / 1024,
                without[0] / 1024, without[1] / 1024, (without[1] - without[0]) / 1024,
                with[2] / 1000.0, without[2] / 1000.0);
    }

    /** Heap at the start and at the end in bytes, and cycles per 1000 s. */
    private static long[] run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (p.waitFor() != 0 || line == null) {
            throw new IllegalStateException("the cycling JVM failed: " + command);
        }
        String[] f = line.trim().split(" ");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])};
    }

    /** The host: {@code Cycles <n>}; prints {@code <heap at start> <heap at end> <cycles per 1000 s>}. */
    public static final class Cycles {
        public static void main(String[] args) throws Exception {
            int n = Integer.parseInt(args[0]);
            int warmUp = Math.max(200, n / 50);
            cycle(warmUp);
            long start = heapAfterGc();
            long t0 = System.nanoTime();
            cycle(n);
            long elapsed = System.nanoTime() - t0;
            long end = heapAfterGc();
            System.out.println(start + " " + end + " " + (long) (n * 1e12 / elapsed));
        }

        private static void cycle(int n) throws InterruptedException {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int share = n / 2 + (t == 0 ? n % 2 : 0);
                Thread thread = new Thread(() -> {
                    try {
                        ProcessBuilder builder = new ProcessBuilder("true");
                        for (int i = 0; i < share; i++) {
                            builder.start().waitFor();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }

        private static long heapAfterGc() throws InterruptedException {
            Runtime rt = Runtime.getRuntime();
            long used = Long.MAX_VALUE;
            // the smallest of a few full GCs: the JDK's reaper threads finish their last children meanwhile
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(100);
                used = Math.min(used, rt.totalMemory() - rt.freeMemory());
            }
            return used;
        }
    }
}
