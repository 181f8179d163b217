package dev.reap.agent.proc;

import java.io.File;

/**
 * Time as {@code /proc} counts it: clock ticks since boot, the JVM's own start among them, and
 * their conversion to wall-clock time.
 */
public final class ProcClock {
    /** Clock ticks per second in {@code /proc} times: USER_HZ, 100 on every Linux the JDK runs on. */
    public static final int TICKS_PER_SECOND = 100;
    /** 0 until read: see {@link #jvmStartTicks()}. */
    private static volatile long jvmStart;

    private ProcClock() {
    }

    /** Seconds since boot ({@code /proc/uptime}), or -1. */
    public static double uptimeSeconds() {
        long ticks = uptimeTicks();
        return ticks < 0 ? -1 : ticks / (double) TICKS_PER_SECOND;
    }

    /**
     * Clock ticks since boot, from {@code /proc/uptime}'s "12345.67 ..." read by hand
     * ({@code Double.parseDouble} loads nine classes on the exit path); -1 when unknown.
     */
    private static long uptimeTicks() {
        byte[] bytes = ProcFs.read("/proc/uptime", 64);
        long ticks = 0;
        int decimals = -1;
        for (int i = 0; bytes != null && i < bytes.length && bytes[i] != ' ' && decimals < 2; i++) {
            if (bytes[i] == '.') {
                decimals = 0;
            } else if (bytes[i] >= '0' && bytes[i] <= '9') {
                ticks = ticks * 10 + (bytes[i] - '0');
                decimals = decimals < 0 ? -1 : decimals + 1;
            } else {
                return -1;
            }
        }
        return bytes == null || decimals != 2 ? -1 : ticks;
    }

    /**
     * When this JVM started, in clock ticks after boot: its process may be older (a shell that
     * {@code exec}s {@code java} keeps its PID, its start time and its children), but the JVM's
     * own threads start with it. The oldest thread but the first, else the process's start; -1
     * where {@code /proc} is not usable. A child of the JVM's own making starts in a later tick:
     * no Java code runs within 10 ms of the JVM's first thread.
     */
    public static long jvmStartTicks() {
        long known = jvmStart;
        if (known == 0) {
            known = readJvmStartTicks();
            jvmStart = known;
        }
        return known;
    }

    private static long readJvmStartTicks() {
        ProcStat self = ProcFs.available() ? ProcFs.self() : null;
        if (self == null) {
            return -1;
        }
        String[] tasks = new File("/proc/self/task").list();
        long oldest = Long.MAX_VALUE;
        for (String task : tasks == null ? new String[0] : tasks) {
            long tid = ProcStat.parseLong(task, 0, task.length());
            ProcStat thread = tid == self.pid() || tid < 0 ? null : ProcFs.statOf("/proc/self/task/" + task + "/stat", tid);
            if (thread != null && thread.startTicks() < oldest) {
                oldest = thread.startTicks();
            }
        }
        return oldest == Long.MAX_VALUE ? self.startTicks() : oldest;
    }

    /**
     * The clock tick after the current one, after boot: a process started from now on has at least
     * this start time, one started before has less. {@code Long.MAX_VALUE} when unknown.
     */
    public static long nextTick() {
        long ticks = uptimeTicks();
        return ticks < 0 ? Long.MAX_VALUE : ticks + 1;
    }

    /** When a process that started {@code startTicks} after boot started, in epoch millis; -1 when unknown. */
    public static long epochMillis(long startTicks) {
        double uptime = uptimeSeconds();
        return uptime < 0 ? -1
                : (long) (System.currentTimeMillis() - uptime * 1000 + startTicks * 1000.0 / TICKS_PER_SECOND);
    }
}
