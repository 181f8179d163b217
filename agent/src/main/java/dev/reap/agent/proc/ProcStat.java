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

    public ProcStat(long pid, long parentPid, char state, long startTicks) {
        this.pid = pid;
        this.parentPid = parentPid;
        this.state = state;
        this.startTicks = startTicks;
    }

    public long pid() { return pid; }

    public long parentPid() { return parentPid; }

    public char state() { return state; }

    public long startTicks() { return startTicks; }

    /** A zombie has exited; only its parent's wait is missing. */
    public boolean exited() {
        return state == 'Z' || state == 'X' || state == 'x';
    }

    /**
     * Parses the text of a stat file. The command name (field 2) may hold spaces and parentheses,
     * so fields are counted from its last closing parenthesis. Null when malformed.
     */
    static ProcStat parse(long pid, String text) {
        int close = text.lastIndexOf(')');
        if (close < 0 || close + 2 >= text.length()) {
            return null;
        }
        String[] fields = text.substring(close + 2).split(" ");
        // fields[0] is field 3 (state), fields[1] field 4 (ppid), fields[19] field 22 (starttime)
        if (fields.length < 20 || fields[0].isEmpty()) {
            return null;
        }
        try {
            return new ProcStat(pid, Long.parseLong(fields[1]), fields[0].charAt(0), Long.parseLong(fields[19]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "pid " + pid + " (ppid " + parentPid + ", state " + state + ", start " + startTicks + ")";
    }
}
