package dev.reap.agent.proc;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads a process's environment ({@code /proc/<pid>/environ}): how a session's tag is found. */
public final class ProcEnviron {
    private ProcEnviron() {
    }

    /** The value of one variable in the process's environment, or null (absent, gone, or unreadable). */
    public static String variable(long pid, String name) {
        byte[] bytes = ProcFs.read("/proc/" + pid + "/environ", 1 << 20);
        return bytes == null ? null : findVariable(bytes, name);
    }

    /**
     * As {@link #variable}, for a process that may be in the middle of {@code exec}:
     * its environment reads as empty for a moment, so an empty one is read again (up to 20 ms).
     * For young processes only: an old one with an empty environment (a kernel thread, a daemon
     * that cleared it) would cost the whole wait.
     */
    public static String settledVariable(long pid, String name) {
        byte[] bytes = settled(pid);
        return bytes == null ? null : findVariable(bytes, name);
    }

    /** As {@link #settledVariable}, for two variables read at once; null when the environment cannot be read. */
    public static String[] settledVariables(long pid, String name, String other) {
        byte[] bytes = settled(pid);
        return bytes == null ? null : new String[] {findVariable(bytes, name), findVariable(bytes, other)};
    }

    private static byte[] settled(long pid) {
        byte[] bytes = ProcFs.read("/proc/" + pid + "/environ", 1 << 20);
        for (int retry = 0; bytes != null && bytes.length == 0 && retry < 20; retry++) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            bytes = ProcFs.read("/proc/" + pid + "/environ", 1 << 20);
        }
        return bytes;
    }

    static String findVariable(byte[] environ, String name) {
        byte[] key = (name + "=").getBytes(StandardCharsets.UTF_8);
        int entryStart = 0;
        while (entryStart < environ.length) {
            int entryEnd = entryStart;
            while (entryEnd < environ.length && environ[entryEnd] != 0) {
                entryEnd++;
            }
            if (entryEnd - entryStart >= key.length
                    && Arrays.equals(environ, entryStart, entryStart + key.length, key, 0, key.length)) {
                return new String(environ, entryStart + key.length, entryEnd - entryStart - key.length,
                        StandardCharsets.UTF_8);
            }
            entryStart = entryEnd + 1;
        }
        return null;
    }
}
