package dev.reap.bench;

import dev.reap.agent.proc.Namespace;
import dev.reap.agent.proc.ProcEnviron;
import dev.reap.agent.proc.ProcDetails;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.session.Session;
import dev.reap.agent.sweep.SessionScan;
import dev.reap.agent.sweep.Sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The start-up sweep's scan of {@code /proc} with some thousands of live processes: it starts N
 * {@code sleep} processes, one in twenty tagged with this JVM's live session and one in twenty
 * with a dead one (so that both paths are taken), scans R times as the start-up sweep does, and
 * reports the first scan (a cold JVM, which is what the start-up sweep is) and the warm median per
 * process scanned, with the floor: one read of each process's environment. Nothing is signalled.
 *
 * <p>Usage: {@code java -cp <agent jar>:target/test-classes dev.reap.bench.SweepBench <processes> <rounds>}
 */
public final class SweepBench {
    private static final int WARM_UP = 10;

    private SweepBench() {
    }

    public static void main(String[] args) throws Exception {
        int processes = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        long self = ProcFs.self().pid();
        String session = Session.current(Map.of()).id();
        // a session whose JVM is gone: its PID names nobody now
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String dead = gone.pid() + "-" + ProcFs.self().startTicks() + "-" + Namespace.current();
        List<Process> started = new ArrayList<>();
        try {
            for (int i = 0; i < processes; i++) {
                ProcessBuilder builder = new ProcessBuilder("sleep", "600");
                if (i % 20 == 0) {
                    builder.environment().put("REAP_AGENT_SESSIONS", session);
                } else if (i % 20 == 1) {
                    builder.environment().put("REAP_AGENT_SESSIONS", dead);
                }
                started.add(builder.start());
            }
            // measure a settled table, not 2000 processes still being exec'd
            for (Process p : started) {
                while (p.isAlive() && !"sleep".equals(ProcDetails.name(p.pid()))) {
                    Thread.onSpinWait();
                }
            }
            List<Long> perEntryNanos = new ArrayList<>();
            int scanned = 0;
            long coldNanos = -1;
            for (int r = -WARM_UP; r < rounds; r++) {
                long start = System.nanoTime();
                SessionScan scan = SessionScan.deadSessions(self);
                int leftovers = Sweep.leftovers(scan, null).size();
                long elapsed = System.nanoTime() - start;
                scanned = scan.scanned();
                if (coldNanos < 0) {
                    coldNanos = elapsed / Math.max(1, scanned);
                }
                if (r >= 0) {
                    perEntryNanos.add(elapsed / Math.max(1, scanned));
                }
                if (r == rounds - 1) {
                    System.out.println(leftovers + " processes of dead sessions found (not signalled)");
                }
            }
            List<Long> floor = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                long[] pids = ProcFs.pids();
                long start = System.nanoTime();
                for (long pid : pids) {
                    ProcEnviron.variable(pid, "REAP_AGENT_SESSIONS");
                }
                floor.add((System.nanoTime() - start) / pids.length);
            }
            System.out.printf("floor: reading each process's environment once: median %.1f us per process%n",
                    Harness.median(floor) / 1000.0);
            System.out.printf("sweep scan: %d processes scanned; first scan (a cold JVM, as at start-up) %.1f us per process;"
                    + " warm median %.1f us per process (%d rounds after %d warm-up)%n",
                    scanned, coldNanos / 1000.0, Harness.median(perEntryNanos) / 1000.0, rounds, WARM_UP);
        } finally {
            started.forEach(Process::destroyForcibly);
        }
    }
}
