package dev.reap.agent.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** What the commands show of a process beyond its stat: its name, executable, working directory, terminal. */
public final class ProcDetails {
    private ProcDetails() {
    }

    /** The short name of the executable ({@code comm}), or null. */
    public static String name(long pid) {
        byte[] bytes = ProcFs.read("/proc/" + pid + "/comm", 64);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8).trim();
    }

    /** The executable's path ({@code /proc/<pid>/exe}), or null (gone, unreadable, or not ours to read). */
    public static Path executable(long pid) {
        try {
            return Files.readSymbolicLink(Paths.get("/proc", Long.toString(pid), "exe"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Where a {@code /proc} link points ({@code pipe:[4242]}, a path), or null (gone, unreadable, not a link). */
    public static String link(String path) {
        try {
            return Files.readSymbolicLink(Paths.get(path)).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The working directory, or null (gone, unreadable, or not ours to read). */
    public static Path workingDirectory(long pid) {
        try {
            return Files.readSymbolicLink(Paths.get("/proc", Long.toString(pid), "cwd"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * True when this process's group is the foreground group of its controlling terminal
     * ({@code pgrp} and {@code tpgid} of {@code /proc/self/stat}): a Ctrl-C there reaches every
     * process of the group, children included.
     */
    public static boolean inTerminalForeground() {
        byte[] bytes = ProcFs.read("/proc/self/stat", 512);
        String stat = bytes == null ? "" : ProcFs.latin1(bytes);
        int close = stat.lastIndexOf(')');
        String[] fields = close < 0 ? new String[0] : stat.substring(close + 2).split(" ");
        // after the name: state, ppid, pgrp, session, tty_nr, tpgid
        return fields.length > 5 && !fields[5].equals("-1") && fields[2].equals(fields[5]);
    }
}
