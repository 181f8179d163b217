package dev.reap.bench;

import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.sweep.SessionScan;
import dev.reap.agent.sweep.Sweep;

import java.util.ArrayList;
import java.util.List;

/**
 * The start-up sweep's scan of {@code /proc} with some thousands of live processes: it starts N
 * {@code sleep} processes (half tagged with this JVM's live session, so that environments are
 * read and judged), scans R times, and reports the median per process scanned. Nothing is
 * signalled: only dead sessions' processes would be, and none is dead here.
 *
 * <p>Usage: {@code java -cp <agent jar>:target/test-classes dev.reap.bench.SweepBench <processes> <rounds>}
 */
public final class SweepBench {
    private SweepBench() {
    }

    public static void main(String[] args) throws Exception {
        int processes = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        long self = ProcFs.self().pid();
        String session = self + "-" + ProcFs.self().startTicks();
        List<Process> started = new ArrayList<>();
        try {
            for (int i = 0; i < processes; i++) {
                ProcessBuilder builder = new ProcessBuilder("sleep", "600");
                if (i % 2 == 0) {
                    builder.environment().put("REAP_AGENT_SESSIONS", session);
                }
                started.add(builder.start());
            }
            List<Long> perEntryNanos = new ArrayList<>();
            int scanned = 0;
            for (int r = -2; r < rounds; r++) {
                long start = System.nanoTime();
                SessionScan scan = SessionScan.now(self);
                int leftovers = Sweep.leftovers(scan, null).size();
                long elapsed = System.nanoTime() - start;
                scanned = scan.scanned();
                if (r >= 0) {
                    perEntryNanos.add(elapsed / Math.max(1, scanned));
                }
                if (leftovers != 0) {
                    System.out.println("note: " + leftovers + " leftovers of dead sessions on this machine (not signalled)");
                }
            }
            System.out.printf("sweep scan: %d processes scanned, median %.1f us per process (%d rounds, after 2 warm-up)%n",
                    scanned, Harness.median(perEntryNanos) / 1000.0, rounds);
        } finally {
            started.forEach(Process::destroyForcibly);
        }
    }
}
