package dev.reap.agent.proc;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A session's cgroup v2, {@code <the JVM's cgroup>/reap-<session id>}: the JVM moves itself into
 * it once it spawns, so that every process it spawns, by any path, is born inside and stays there
 * whatever it does to its environment or its parent; at exit the JVM moves back out, and the
 * session ends what the cgroup holds ({@code cgroup.kill} last) and removes it. The JVM's own
 * cgroup is left as it was: no controller is enabled, no limit set, and its limits still bound the
 * session's (they are hierarchical). A nested JVM's session cgroup is made inside its parent's.
 */
public final class SessionCgroup {
    /** The name of a session's cgroup: this, then the session id. */
    public static final String PREFIX = "reap-";

    private final Path dir;

    SessionCgroup(Path dir) {
        this.dir = dir;
    }

    /** Makes (or finds) the cgroup of {@code sessionId} in this JVM's own; null when it cannot. */
    public static SessionCgroup create(String sessionId) {
        Path own = OwnCgroup.path();
        if (own == null) {
            return null;
        }
        Path dir = own.resolve(PREFIX + sessionId);
        // java.io, not NIO's file system provider: this is on the first spawn's path
        return dir.toFile().mkdir() || ownedByUs(dir) ? new SessionCgroup(dir) : null;
    }

    /**
     * True when moving into this cgroup changes what the JDK reads for its container metrics: it
     * reads cgroup v2 (no v1 hierarchy holds this process) and the cgroup this one is in has
     * controllers, whose limit files this one lacks.
     */
    public boolean hidesLimitsFromTheJdk() {
        for (String line : OwnCgroup.lines("/proc/self/cgroup")) {
            if (!line.startsWith("0::") && !line.isEmpty()) {
                return false;
            }
        }
        byte[] controllers = ProcFs.read(dir.getParent().resolve("cgroup.controllers").toString(), 256);
        return controllers != null && ProcFs.latin1(controllers).trim().length() > 0;
    }

    /** The session id in this cgroup's name. */
    public String sessionId() {
        return dir.getFileName().toString().substring(PREFIX.length());
    }

    /**
     * True when {@code process}, found in this cgroup, is its session's: it started in a later clock
     * tick than the session's JVM (as every child does). Only the session's processes are born here;
     * one as old as the JVM or older was moved in by someone who could (root), and is not ours. The
     * start is read from the cgroup's name ({@code <pid>-<start>-<view>}); a name that holds none
     * makes nothing the session's.
     */
    public boolean holdsAsItsOwn(ProcStat process) {
        String id = sessionId();
        int first = id.indexOf('-');
        int second = first < 0 ? -1 : id.indexOf('-', first + 1);
        long start = first < 0 ? -1 : ProcStat.parseLong(id, first + 1, second < 0 ? id.length() : second);
        return start >= 0 && process.startTicks() > start;
    }

    /** True when this cgroup was made more than {@code millis} ago. */
    public boolean olderThanMillis(long millis) {
        long made = dir.toFile().lastModified();
        return made > 0 && System.currentTimeMillis() - made > millis;
    }

    /** Moves the calling process (the JVM, with all its threads) in; false when the kernel refused. */
    public boolean enter() {
        return write(dir.resolve("cgroup.procs"), "0");
    }

    /** Moves the calling process back to the cgroup this one is in. */
    public boolean leave() {
        return write(dir.getParent().resolve("cgroup.procs"), "0");
    }

    /** Moves {@code pid} out, to the cgroup this one is in (one of the agent's own helpers, before a kill). */
    public boolean moveOut(long pid) {
        return write(dir.getParent().resolve("cgroup.procs"), Long.toString(pid));
    }

    /** Every process in this cgroup and the cgroups below it (a nested session's), as PIDs seen from here. */
    public List<Long> members() {
        List<Long> pids = new ArrayList<>();
        addMembers(dir.toFile(), pids, 0);
        return pids;
    }

    private static void addMembers(File cgroup, List<Long> pids, int depth) {
        byte[] procs = ProcFs.read(new File(cgroup, "cgroup.procs").getPath(), 256);
        if (procs != null) {
            String text = ProcFs.latin1(procs);
            for (int start = 0, end; start < text.length(); start = end + 1) {
                end = text.indexOf('\n', start);
                end = end < 0 ? text.length() : end;
                long pid = ProcStat.parseLong(text, start, end);
                // 0: a process in a PID namespace this one cannot see into
                if (pid > 0) {
                    pids.add(pid);
                }
            }
        }
        for (File child : below(cgroup, depth)) {
            addMembers(child, pids, depth + 1);
        }
    }

    /** The cgroups right below {@code cgroup} (a nested session's), bounded in depth. */
    private static List<File> below(File cgroup, int depth) {
        List<File> dirs = new ArrayList<>();
        File[] entries = depth < 32 ? cgroup.listFiles() : null;
        for (File entry : entries == null ? new File[0] : entries) {
            if (entry.isDirectory()) {
                dirs.add(entry);
            }
        }
        return dirs;
    }

    /** SIGKILL to every process in this cgroup and below, at once ({@code cgroup.kill}, Linux 5.14); false when refused. */
    public boolean kill() {
        return write(dir.resolve("cgroup.kill"), "1");
    }

    /**
     * Removes this cgroup, first moving out to the one above what its reaping left in it (what
     * {@code reap.exclude} spares, another shutdown hook's spawn, a survivor): left alone means out
     * of reach of a later sweep too. Only the session's own are moved ({@link #holdsAsItsOwn}): one
     * that root moved in is left where it is, and the cgroup with it; so is a cgroup below (a nested
     * session's, still live). True when it is gone.
     */
    public boolean removeLeavingTheRest() {
        if (remove()) {
            return true;
        }
        List<Long> left = new ArrayList<>();
        // at the depth bound: this cgroup's own processes, not those of the cgroups below
        addMembers(dir.toFile(), left, 32);
        for (long pid : left) {
            ProcStat stat = ProcFs.stat(pid);
            if (stat != null && holdsAsItsOwn(stat)) {
                moveOut(pid);
            }
        }
        return remove();
    }

    /** Removes this cgroup and those below it, deepest first, if they are empty; true when it is gone. */
    public boolean remove() {
        removeTree(dir.toFile(), 0);
        return !dir.toFile().exists();
    }

    private static void removeTree(File cgroup, int depth) {
        for (File child : below(cgroup, depth)) {
            removeTree(child, depth + 1);
        }
        // a cgroup's interface files are not files to delete: rmdir takes the directory as a whole
        cgroup.delete();
    }

    @Override
    public String toString() {
        return dir.toString();
    }

    /** Made by this user: a cgroup another user made is never entered, read as a session's, or killed. */
    static boolean ownedByUs(Path dir) {
        try {
            long[] mine = ProcFs.ownUserIds();
            Object uid = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            return mine != null && uid instanceof Integer && ((Integer) uid).longValue() == mine[1]
                    && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** One write to a cgroup interface file, as one {@code write(2)} (each is one request to the kernel). */
    static boolean write(Path file, String text) {
        try (FileOutputStream out = new FileOutputStream(file.toFile())) {
            // digits only: the same bytes in every charset
            out.write(text.getBytes());
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }
}
