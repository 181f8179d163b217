package dev.reap.agent.proc;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.io.File;

/**
 * Reads Linux's {@code /proc}. Every method tolerates the races of a live process table: an
 * entry that vanishes or turns unreadable mid-read gives null (or "absent"), never an exception.
 */
public final class ProcFs {
    private static final boolean READABLE = new File("/proc/self/stat").canRead();
    /**
     * True when {@code /proc} numbers processes in another PID namespace than this process's own
     * ({@code unshare --pid} without {@code --mount-proc}): its PIDs are not the ones the JDK
     * gives this process's children, so nothing read there may be acted on.
     */
    private static final boolean FOREIGN = READABLE && !showsOwnPidNamespace();
    private static final boolean AVAILABLE = READABLE && !FOREIGN;

    private ProcFs() {
    }

    /** True on Linux with {@code /proc} mounted, numbering processes as this process's own namespace does. */
    public static boolean available() {
        return AVAILABLE;
    }

    /**
     * True when a {@code /proc} is there but numbers processes in an outer PID namespace: then even
     * the JDK's {@code ProcessHandle.descendants()}, which reads it, names strangers.
     */
    public static boolean showsAnotherPidNamespace() {
        return FOREIGN;
    }

    /**
     * True unless {@code NSpid} in {@code /proc/self/status} lists more than one PID: its first is
     * the PID in the namespace of whoever mounted this {@code /proc}, its last the process's own.
     * A kernel without the line (before 4.1) has the same namespace for both as far as it can show.
     */
    private static boolean showsOwnPidNamespace() {
        String pids = statusLine("/proc/self/status", "NSpid");
        return pids != null && (pids.isEmpty() || pids.indexOf('\t') < 0 && pids.indexOf(' ') < 0);
    }

    /**
     * The value of one line of a {@code status} file ({@code Uid}, {@code NSpid}), trimmed; "" when
     * the file has no such line, null when it cannot be read.
     */
    private static String statusLine(String path, String key) {
        byte[] bytes = read(path, 2048);
        if (bytes == null) {
            return null;
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("\n" + key + ":");
        if (at < 0) {
            return "";
        }
        int end = text.indexOf('\n', at + 1);
        return text.substring(at + key.length() + 2, end < 0 ? text.length() : end).trim();
    }

    /**
     * True when this process may see every process in its {@code /proc}: root, or a {@code /proc}
     * mounted without {@code hidepid}. Where others' processes are hidden, a PID that cannot be
     * read may still be alive.
     */
    public static boolean seesEveryProcess() {
        long[] ids = ownUserIds();
        if (ids != null && ids[1] == 0) {
            return true;
        }
        byte[] mounts = read("/proc/self/mountinfo", 1 << 16);
        if (mounts == null) {
            return false;
        }
        for (String line : new String(mounts, StandardCharsets.ISO_8859_1).split("\n")) {
            String[] fields = line.split(" ");
            int dash = java.util.Arrays.asList(fields).indexOf("-");
            if (fields.length > 4 && "/proc".equals(fields[4]) && dash > 0 && fields.length > dash + 3
                    && "proc".equals(fields[dash + 1])) {
                for (String option : fields[dash + 3].split(",")) {
                    if (option.startsWith("hidepid=") && !option.equals("hidepid=0") && !option.equals("hidepid=off")) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** True when {@code /proc/<pid>} exists, readable or not. */
    public static boolean exists(long pid) {
        return new File("/proc/" + pid).exists();
    }

    public static ProcStat stat(long pid) {
        return statOf("/proc/" + pid + "/stat", pid);
    }

    /** This JVM's own stat, read without touching {@code ProcessHandle} (costly to initialise at start-up). */
    public static ProcStat self() {
        return statOf("/proc/self/stat", -1);
    }

    /**
     * Reads and parses a stat file in one buffer, with no copy and no text made: the exit hook
     * reads every process's stat in a cold JVM. {@code pid} -1: the one the file names.
     */
    private static ProcStat statOf(String path, long pid) {
        // the fields read (up to the 33rd) fit well within 1024 bytes, whatever the numbers
        byte[] buffer = new byte[1024];
        int length = 0;
        try (InputStream in = new FileInputStream(path)) {
            int n;
            while (length < buffer.length && (n = in.read(buffer, length, buffer.length - length)) > 0) {
                length += n;
            }
        } catch (IOException | SecurityException e) {
            return null;
        }
        if (pid < 0) {
            int space = 0;
            while (space < length && buffer[space] != ' ') {
                space++;
            }
            pid = ProcStat.parseLong(buffer, 0, space);
            if (pid < 0) {
                return null;
            }
        }
        return ProcStat.parse(pid, buffer, length);
    }

    /** True when {@code pid} is still the process that started at {@code startTicks} and has not exited. */
    public static boolean isAlive(long pid, long startTicks) {
        ProcStat stat = stat(pid);
        return stat != null && stat.startTicks() == startTicks && !stat.exited();
    }

    /**
     * The signals {@code pid} ignores, from field 33 of its stat (the mask of {@code SigIgn} in
     * {@code status} for signals 1 to 31, all a ladder may use, in a file a quarter the size):
     * bit {@code n-1} stands for signal {@code n}. 0 when unknown.
     */
    public static long ignoredSignals(long pid) {
        ProcStat stat = stat(pid);
        return stat == null ? 0 : stat.ignoredSignals();
    }

    /** The command line with arguments joined by spaces, or null (gone, unreadable, or a kernel thread). */
    public static String commandLine(long pid) {
        byte[] bytes = read("/proc/" + pid + "/cmdline", 1 << 20);
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        int length = bytes.length;
        while (length > 0 && bytes[length - 1] == 0) {
            length--;
        }
        byte[] copy = Arrays.copyOf(bytes, length);
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] == 0) {
                copy[i] = ' ';
            }
        }
        return new String(copy, StandardCharsets.UTF_8);
    }

    /** The arguments the process was started with, {@code argv[0]} first; null when gone or unreadable. */
    public static java.util.List<String> arguments(long pid) {
        byte[] bytes = read("/proc/" + pid + "/cmdline", 1 << 20);
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        java.util.List<String> arguments = new java.util.ArrayList<>();
        int from = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == 0) {
                if (i > from || i < bytes.length) {
                    arguments.add(new String(bytes, from, i - from, StandardCharsets.UTF_8));
                }
                from = i + 1;
            }
        }
        return arguments;
    }

    /**
     * The real and effective user ids ({@code Uid:} in {@code status}), or null when gone or
     * unreadable. A process is "of the current user" when both are that user's.
     */
    public static long[] userIds(long pid) {
        return userIdsIn("/proc/" + pid + "/status");
    }

    /** This process's own {@link #userIds}. */
    public static long[] ownUserIds() {
        return userIdsIn("/proc/self/status");
    }

    private static long[] userIdsIn(String path) {
        // "<real>\t<effective>\t<saved>\t<fs>": parsed by hand, no regex on the exit path
        String uids = statusLine(path, "Uid");
        if (uids == null || uids.isEmpty()) {
            return null;
        }
        int tab = uids.indexOf('\t');
        int next = tab < 0 ? -1 : uids.indexOf('\t', tab + 1);
        long real = ProcStat.parseLong(uids, 0, tab);
        long effective = ProcStat.parseLong(uids, tab + 1, next < 0 ? uids.length() : next);
        return real < 0 || effective < 0 ? null : new long[] {real, effective};
    }

    /**
     * True when {@code theirs} (a process's {@link #userIds}) are both the effective user id in
     * {@code mine}: a process of the same user, not one that merely shares a real or saved id.
     */
    public static boolean sameUser(long[] mine, long[] theirs) {
        return mine != null && theirs != null && theirs[0] == mine[1] && theirs[1] == mine[1];
    }

    /** The short name of the executable ({@code comm}), or null. */
    public static String name(long pid) {
        byte[] bytes = read("/proc/" + pid + "/comm", 64);
        if (bytes == null) {
            return null;
        }
        int length = bytes.length;
        while (length > 0 && bytes[length - 1] == '\n') {
            length--;
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /** The working directory, or null (gone, unreadable, or not ours to read). */
    public static java.nio.file.Path workingDirectory(long pid) {
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Paths.get("/proc", Long.toString(pid), "cwd"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Seconds since boot ({@code /proc/uptime}), or -1. */
    public static double uptimeSeconds() {
        byte[] bytes = read("/proc/uptime", 64);
        if (bytes == null) {
            return -1;
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int space = text.indexOf(' ');
        try {
            return Double.parseDouble(space < 0 ? text.trim() : text.substring(0, space));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Clock ticks per second in {@code /proc} times: USER_HZ, 100 on every Linux the JDK runs on. */
    public static final int TICKS_PER_SECOND = 100;

    /** The value of one variable in the process's environment, or null (absent, gone, or unreadable). */
    public static String environmentVariable(long pid, String name) {
        byte[] bytes = read("/proc/" + pid + "/environ", 1 << 20);
        return bytes == null ? null : findVariable(bytes, name);
    }

    /**
     * As {@link #environmentVariable}, for a process that may be in the middle of {@code exec}:
     * its environment reads as empty for a moment, so an empty one is read again (up to 20 ms).
     * For young processes only: an old one with an empty environment (a kernel thread, a daemon
     * that cleared it) would cost the whole wait.
     */
    public static String settledEnvironmentVariable(long pid, String name) {
        byte[] bytes = read("/proc/" + pid + "/environ", 1 << 20);
        for (int retry = 0; bytes != null && bytes.length == 0 && retry < 20; retry++) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            bytes = read("/proc/" + pid + "/environ", 1 << 20);
        }
        return bytes == null ? null : findVariable(bytes, name);
    }

    static String findVariable(byte[] environ, String name) {
        byte[] key = (name + "=").getBytes(StandardCharsets.UTF_8);
        int entryStart = 0;
        while (entryStart < environ.length) {
            int entryEnd = entryStart;
            while (entryEnd < environ.length && environ[entryEnd] != 0) {
                entryEnd++;
            }
            if (entryEnd - entryStart >= key.length && startsWith(environ, entryStart, key)) {
                return new String(environ, entryStart + key.length, entryEnd - entryStart - key.length,
                        StandardCharsets.UTF_8);
            }
            entryStart = entryEnd + 1;
        }
        return null;
    }

    private static boolean startsWith(byte[] bytes, int offset, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The PIDs listed in {@code /proc} now (empty when it cannot be read). */
    public static long[] pids() {
        String[] names = new File("/proc").list();
        if (names == null) {
            return new long[0];
        }
        long[] pids = new long[names.length];
        int n = 0;
        for (String name : names) {
            if (!name.isEmpty() && isDigits(name)) {
                pids[n++] = Long.parseLong(name);
            }
        }
        return Arrays.copyOf(pids, n);
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return s.length() < 19;
    }

    /** The whole file, or null when it is gone or unreadable; {@code hint} sizes the first buffer. */
    static byte[] read(String path, int hint) {
        try (InputStream in = new FileInputStream(path)) {
            byte[] buffer = new byte[Math.min(hint, 4096)];
            int length = 0;
            while (true) {
                int n = in.read(buffer, length, buffer.length - length);
                if (n < 0) {
                    return Arrays.copyOf(buffer, length);
                }
                length += n;
                if (length == buffer.length) {
                    if (buffer.length >= (1 << 24)) {
                        return Arrays.copyOf(buffer, length);
                    }
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
            }
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
