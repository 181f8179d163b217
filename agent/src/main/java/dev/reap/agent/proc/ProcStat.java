package dev.reap.agent.proc;

/**
 * The fields of {@code /proc/<pid>/stat} the agent needs. {@code startTicks} (clock ticks after
 * boot) together with the PID names one process for good: a reused PID gets a later start time.
 */
public final class ProcStat {
    private final long pid;
    private final long parentPid;
    private final char state;
    private final long startTicks;
    private final long ignoredSignals;

    public ProcStat(long pid, long parentPid, char state, long startTicks) {
        this(pid, parentPid, state, startTicks, 0);
    }

    public ProcStat(long pid, long parentPid, char state, long startTicks, long ignoredSignals) {
        this.pid = pid;
        this.parentPid = parentPid;
        this.state = state;
        this.startTicks = startTicks;
        this.ignoredSignals = ignoredSignals;
    }

    public long pid() { return pid; }

    public long parentPid() { return parentPid; }

    public char state() { return state; }

    public long startTicks() { return startTicks; }

    /** The signals it ignores (field 33, {@code sigignore}): bit {@code n-1} stands for signal {@code n}. */
    public long ignoredSignals() { return ignoredSignals; }

    /** A zombie has exited; only its parent's wait is missing. */
    public boolean exited() {
        return state == 'Z' || state == 'X' || state == 'x';
    }

    /**
     * Parses the first {@code length} bytes of a stat file, as read: no text is made of them, as the
     * exit hook reads every process's stat in a cold JVM. The command name (field 2) may hold spaces
     * and parentheses, so fields are counted from its last closing parenthesis. Null when malformed.
     */
    static ProcStat parse(long pid, byte[] stat, int length) {
        int close = length - 1;
        while (close >= 0 && stat[close] != ')') {
            close--;
        }
        if (close < 0 || close + 2 >= length) {
            return null;
        }
        // after ")": field 3 (state) is index 0, field 4 (ppid) index 1, field 22 (starttime)
        // index 19, field 33 (sigignore) index 30
        long parent = -1;
        long start = -1;
        long ignored = 0;
        char state = 0;
        int index = 0;
        int at = close + 2;
        while (at <= length && index <= 30) {
            int end = at;
            while (end < length && stat[end] != ' ' && stat[end] != '\n') {
                end++;
            }
            if (index == 0 && end > at) {
                state = (char) (stat[at] & 0xff);
            } else if (index == 1) {
                parent = parseLong(stat, at, end);
            } else if (index == 19) {
                start = parseLong(stat, at, end);
            } else if (index == 30) {
                ignored = Math.max(0, parseLong(stat, at, end));
            }
            index++;
            at = end + 1;
        }
        if (state == 0 || parent < 0 || start < 0) {
            return null;
        }
        return new ProcStat(pid, parent, state, start, ignored);
    }

    /** The digits of stat[from, to) as a number, -1 when they are not digits. */
    static long parseLong(byte[] stat, int from, int to) {
        if (from >= to || to - from > 18) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int c = stat[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** The digits of text[from, to) as a number, -1 when they are not digits (or more than 18). */
    public static long parseLong(CharSequence text, int from, int to) {
        if (from < 0 || from >= to || to - from > 18) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    @Override
    public String toString() {
        return "pid " + pid + " (ppid " + parentPid + ", state " + state + ", start " + startTicks + ")";
    }
}
