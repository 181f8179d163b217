package dev.reap.agent.proc;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * This process's own cgroup v2 (where it is in the file system, read from {@code /proc/self}) and
 * the sessions' cgroups made beside it.
 */
public final class OwnCgroup {
    private OwnCgroup() {
    }

    /**
     * Why no session cgroup can be made here, in words for a user; null when one can: cgroup v2 is
     * mounted where this process's cgroup can be seen, and that cgroup is writable by it.
     */
    public static String unavailable() {
        Path own = path();
        if (own == null) {
            return "no cgroup v2 hierarchy holding this JVM's cgroup is mounted (see /proc/self/mountinfo)";
        }
        if (!Files.isWritable(own) || !Files.isWritable(own.resolve("cgroup.procs"))) {
            return "this JVM's cgroup " + own + " is not writable by it (a cgroup delegated to the user, or root, is needed)";
        }
        return null;
    }

    /**
     * The existing cgroup of {@code sessionId} as seen from here (the watchdog's, the after-exit
     * sidecar's: the session's JVM made it beside them), or null: none, or not made by this user.
     */
    public static SessionCgroup sessionCgroup(String sessionId) {
        Path base = baseOf(sessionId);
        Path dir = base == null ? null : base.resolve(SessionCgroup.PREFIX + sessionId);
        return dir != null && SessionCgroup.ownedByUs(dir) ? new SessionCgroup(dir) : null;
    }

    /**
     * The cgroups of sessions beside this process (PID {@code pid}, started at {@code startTicks}):
     * in its cgroup, or the one above when it is in its own session's; made by this user. The
     * sweep's candidates: it judges each by its session. None without a cgroup v2 hierarchy.
     */
    public static List<SessionCgroup> sessionCgroupsBeside(long pid, long startTicks) {
        List<SessionCgroup> found = new ArrayList<>();
        String ownSession = pid + "-" + startTicks;
        Path base = baseOf(ownSession);
        File[] entries = base == null ? null : base.toFile().listFiles();
        for (File entry : entries == null ? new File[0] : entries) {
            if (entry.getName().startsWith(SessionCgroup.PREFIX) && !isOf(entry.toPath(), ownSession) && entry.isDirectory()
                    && SessionCgroup.ownedByUs(entry.toPath())) {
                found.add(new SessionCgroup(entry.toPath()));
            }
        }
        return found;
    }

    /**
     * True when {@code cgroup} is the cgroup of the session {@code session} names: its id, or its
     * {@code <pid>-<start>} (then with or without the view).
     */
    private static boolean isOf(Path cgroup, String session) {
        String name = cgroup == null || cgroup.getFileName() == null ? "" : cgroup.getFileName().toString();
        return name.equals(SessionCgroup.PREFIX + session) || name.startsWith(SessionCgroup.PREFIX + session + "-");
    }

    /**
     * Moves the calling process out of the cgroup of {@code sessionId} when it is in it: the
     * watchdog, born there, must outlive what it reaps.
     */
    public static boolean leaveSessionCgroup(String sessionId) {
        // a move can fail while a thread of the process is being made or ending: tried again
        for (int attempt = 0; attempt < 5; attempt++) {
            Path own = path();
            if (!isOf(own, sessionId)) {
                return true;
            }
            SessionCgroup.write(own.getParent().resolve("cgroup.procs"), "0");
        }
        return false;
    }

    /**
     * Where sessions' cgroups are made: this process's cgroup, or the one above it when this
     * process is in its own session's ({@code ownSessionId}).
     */
    private static Path baseOf(String ownSession) {
        Path own = path();
        return isOf(own, ownSession) ? own.getParent() : own;
    }

    /**
     * The directory of this process's cgroup v2: its path in {@code /proc/self/cgroup} ({@code 0::/path})
     * under the mount point of a {@code cgroup2} mount whose root holds it ({@code /proc/self/mountinfo});
     * null when there is none.
     */
    static Path path() {
        String path = null;
        for (String line : lines("/proc/self/cgroup")) {
            if (line.startsWith("0::")) {
                path = line.substring(3);
            }
        }
        if (path == null || !path.startsWith("/") || path.endsWith(" (deleted)")) {
            return null;
        }
        for (String line : lines("/proc/self/mountinfo")) {
            // <id> <parent> <major:minor> <root> <mount point> <options> [<optional>...] - <type> <source> <super options>
            int dash = line.indexOf(" - ");
            if (dash < 0 || !line.startsWith("cgroup2 ", dash + 3)) {
                continue;
            }
            String[] fields = line.substring(0, dash).split(" ");
            if (fields.length < 5) {
                continue;
            }
            String root = unescape(fields[3]);
            String relative = root.equals("/") ? path : path.equals(root) ? "/" : path.startsWith(root + "/")
                    ? path.substring(root.length()) : null;
            if (relative != null) {
                return Paths.get(unescape(fields[4]), relative.substring(1)).normalize();
            }
        }
        return null;
    }

    /** mountinfo writes a space, tab, newline or backslash in a path as an octal escape ({@code \040}). */
    private static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                try {
                    out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape: kept as it is
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    static List<String> lines(String path) {
        byte[] bytes = ProcFs.read(path, 4096);
        List<String> lines = new ArrayList<>();
        if (bytes != null) {
            for (String line : ProcFs.latin1(bytes).split("\n")) {
                lines.add(line);
            }
        }
        return lines;
    }
}
