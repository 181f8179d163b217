package dev.reap.agent.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Paths;

/**
 * The view of the process table this process has: the PID namespace whose numbers its
 * {@code /proc} shows, the time namespace (which shifts every start time {@code /proc} shows) and
 * the boot. Only a process with the same view can tell from a PID and a start time whether a
 * session's JVM is alive: elsewhere the same numbers name another process, or none.
 *
 * <p>Its name is a 12-digit hex digest of the three, carried in every session id. It is null where
 * the view cannot be named (no {@code /proc}, a namespace link that cannot be read, or a
 * {@code /proc} mounted for an outer PID namespace than the process's own, whose inode it cannot
 * read): such a process judges no session, and a session without a name is judged by nobody.
 */
public final class Namespace {
    private static final String CURRENT = name();

    private Namespace() {
    }

    /** This process's view, or null when it cannot be named. */
    public static String current() {
        return CURRENT;
    }

    private static String name() {
        if (!ProcFs.available()) {
            return null;
        }
        String pid = link("/proc/self/ns/pid", false);
        String time = link("/proc/self/ns/time", true);
        byte[] boot = ProcFs.read("/proc/sys/kernel/random/boot_id", 64);
        if (pid == null || time == null) {
            return null;
        }
        return digest(pid + " " + time + " " + (boot == null ? "?" : ProcFs.latin1(boot).trim()));
    }

    /** The target of a namespace link ({@code pid:[4026531836]}); "none" when it may be absent and is. */
    private static String link(String path, boolean mayBeAbsent) {
        try {
            return Files.readSymbolicLink(Paths.get(path)).toString();
        } catch (NoSuchFileException e) {
            // time namespaces came with Linux 5.6: without them every process shares the clock
            return mayBeAbsent ? "none" : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** 48 bits of FNV-1a: enough to tell the few views on one machine apart, short enough to read. */
    static String digest(String text) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            hash ^= text.charAt(i);
            hash *= 0x100000001b3L;
        }
        String hex = Long.toHexString(hash & 0xffffffffffffL);
        return "000000000000".substring(hex.length()) + hex;
    }
}
