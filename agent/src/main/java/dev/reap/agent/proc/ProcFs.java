package dev.reap.agent.proc;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads Linux's {@code /proc}. Every method tolerates the races of a live process table: an
 * entry that vanishes or turns unreadable mid-read gives null (or "absent"), never an exception.
 */
public final class ProcFs {
    private static final boolean READABLE = new File("/proc/self/stat").canRead();
    /**
     * True when {@code /proc} numbers processes in another PID namespace than this process's own
     * ({@code unshare --pid} without {@code --mount-proc}): {@code NSpid} then lists more than one
     * PID. Its PIDs are not the ones the JDK gives this process's children, so nothing read there
     * may be acted on. (A kernel without the line, before 4.1, shows one namespace as far as it can.)
     */
    private static final boolean FOREIGN = READABLE && isForeign(statusLine("/proc/self/status", "NSpid"));
    private static final boolean AVAILABLE = READABLE && !FOREIGN;
    /** 0 until read: see {@link #selfPid()}. */
    private static volatile long selfPid;

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

    private static boolean isForeign(String pids) {
        return pids == null || pids.indexOf('\t') >= 0 || pids.indexOf(' ') >= 0;
    }

    /**
     * The value of one line of a {@code status} file ({@code Uid}, {@code NSpid}), trimmed; "" when
     * the file has no such line, null when it cannot be read.
     */
    static String statusLine(String path, String key) {
        byte[] bytes = read(path, 2048);
        if (bytes == null) {
            return null;
        }
        String text = latin1(bytes);
        int at = text.indexOf("\n" + key + ":");
        if (at < 0) {
            return "";
        }
        int end = text.indexOf('\n', at + 1);
        return text.substring(at + key.length() + 2, end < 0 ? text.length() : end).trim();
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
     * This JVM's PID as {@code /proc} names it, or -1 where that {@code /proc} is not usable. Read
     * once (a PID never changes): the exit's finders ask for it per process they look at.
     */
    public static long selfPid() {
        long known = selfPid;
        if (known == 0) {
            ProcStat self = AVAILABLE ? self() : null;
            known = self == null ? -1 : self.pid();
            // a read denied now (a SecurityManager) may be allowed later: only a PID is kept
            selfPid = known > 0 ? known : 0;
        }
        return known;
    }

    /**
     * Reads and parses a stat file in one buffer, with no text made: the exit hook reads every
     * process's stat in a cold JVM. {@code pid} -1: the one the file names.
     */
    static ProcStat statOf(String path, long pid) {
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
        }
        return pid < 0 ? null : ProcStat.parse(pid, buffer, length);
    }

    /** True when {@code pid} is still the process that started at {@code startTicks} and has not exited. */
    public static boolean isAlive(long pid, long startTicks) {
        ProcStat stat = stat(pid);
        return stat != null && stat.startTicks() == startTicks && !stat.exited();
    }

    /** The signals {@code pid} ignores (see {@link ProcStat#ignoredSignals()}); 0 when unknown. */
    public static long ignoredSignals(long pid) {
        ProcStat stat = stat(pid);
        return stat == null ? 0 : stat.ignoredSignals();
    }

    /** The command line with arguments joined by spaces, or null (gone, unreadable, or a kernel thread). */
    public static String commandLine(long pid) {
        List<String> arguments = arguments(pid);
        return arguments == null ? null : String.join(" ", arguments);
    }

    /** The arguments the process was started with, {@code argv[0]} first; null when gone, unreadable or none. */
    public static List<String> arguments(long pid) {
        byte[] bytes = read("/proc/" + pid + "/cmdline", 1 << 20);
        int length = bytes == null ? 0 : bytes.length;
        while (length > 0 && bytes[length - 1] == 0) {
            length--;
        }
        if (length == 0) {
            return null;
        }
        List<String> arguments = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= length; i++) {
            if (i == length || bytes[i] == 0) {
                arguments.add(new String(bytes, from, i - from, StandardCharsets.UTF_8));
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
        // "<real>\t<effective>\t<saved>\t<fs>"
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

    /** The PIDs listed in {@code /proc} now (empty when it cannot be read). */
    public static long[] pids() {
        String[] names = new File("/proc").list();
        long[] pids = new long[names == null ? 0 : names.length];
        int n = 0;
        for (int i = 0; i < pids.length; i++) {
            long pid = ProcStat.parseLong(names[i], 0, names[i].length());
            if (pid > 0) {
                pids[n++] = pid;
            }
        }
        return Arrays.copyOf(pids, n);
    }

    /**
     * The live children of {@code pid}, from each of its threads' {@code children} file (a child
     * is listed under the thread that forked it): some reads per thread instead of a scan of every
     * process. Empty when gone, unreadable, or where the kernel has no such file.
     */
    public static long[] childrenOf(long pid) {
        String[] tasks = new File("/proc/" + pid + "/task").list();
        long[] children = new long[0];
        int n = 0;
        for (String task : tasks == null ? new String[0] : tasks) {
            byte[] bytes = read("/proc/" + pid + "/task/" + task + "/children", 256);
            int from = 0;
            for (int i = 0; bytes != null && i <= bytes.length; i++) {
                if (i == bytes.length || bytes[i] == ' ') {
                    long child = i > from ? ProcStat.parseLong(bytes, from, i) : -1;
                    if (child > 0) {
                        children = n == children.length ? Arrays.copyOf(children, n * 2 + 4) : children;
                        children[n++] = child;
                    }
                    from = i + 1;
                }
            }
        }
        return Arrays.copyOf(children, n);
    }

    /**
     * The bytes as ISO-8859-1 text, decoded by hand: naming a {@code StandardCharsets} constant
     * loads and initialises all eight of the JDK's standard charsets, on the start path.
     */
    static String latin1(byte[] bytes) {
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = (char) (bytes[i] & 0xff);
        }
        return new String(chars);
    }

    /** The whole file, or null when it is gone or unreadable; {@code hint} sizes the first buffer. */
    public static byte[] read(String path, int hint) {
        try (InputStream in = new FileInputStream(path)) {
            byte[] buffer = new byte[Math.min(hint, 4096)];
            int length = 0;
            for (int n; (n = in.read(buffer, length, buffer.length - length)) >= 0; ) {
                length += n;
                if (length == buffer.length) {
                    if (buffer.length >= 1 << 24) {
                        break;
                    }
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
            }
            return Arrays.copyOf(buffer, length);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
