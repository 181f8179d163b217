package dev.reap.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** The tests' own reading of {@code /proc}: independent of the agent's, since it is the judge. */
public final class Proc {
    private Proc() {
    }

    /** Start time (field 22 of stat), or -1 when the process is gone. */
    /** Ends these processes (what a test meant to survive), and each one's descendants. */
    public static void end(Iterable<Long> pids) {
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(Proc::endTree);
        }
    }

    /** Ends these children of the test and their descendants. */
    public static void endAll(Iterable<Process> started) {
        for (Process p : started) {
            endTree(p.toHandle());
        }
    }

    private static void endTree(ProcessHandle handle) {
        handle.descendants().forEach(ProcessHandle::destroyForcibly);
        handle.destroyForcibly();
    }

    public static long startTicks(long pid) {
        String stat = read(Paths.get("/proc", Long.toString(pid), "stat"));
        if (stat == null) {
            return -1;
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[19]);
    }

    /** True while that very process lives (a zombie is dead). */
    public static boolean alive(long pid, long startTicks) {
        String stat = read(Paths.get("/proc", Long.toString(pid), "stat"));
        if (stat == null) {
            return false;
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[19]) == startTicks && !f[0].equals("Z") && !f[0].equals("X");
    }

    /** PIDs of live processes whose environment holds {@code name=value}. */
    public static List<Long> withEnvironment(String name, String value) {
        List<Long> pids = new ArrayList<>();
        byte[] wanted = (name + "=" + value).getBytes(StandardCharsets.UTF_8);
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Paths.get("/proc"), "[0-9]*")) {
            for (Path dir : dirs) {
                byte[] env;
                try {
                    env = Files.readAllBytes(dir.resolve("environ"));
                } catch (IOException e) {
                    continue;
                }
                if (containsEntry(env, wanted)) {
                    long pid = Long.parseLong(dir.getFileName().toString());
                    long ticks = startTicks(pid);
                    if (ticks >= 0 && alive(pid, ticks)) {
                        pids.add(pid);
                    }
                }
            }
        } catch (IOException ignored) {
            // no /proc: nothing to find
        }
        return pids;
    }

    /** The value of one variable in the process's environment, or null (absent or gone). */
    public static String environmentVariable(long pid, String name) {
        byte[] env;
        try {
            env = Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "environ"));
        } catch (IOException e) {
            return null;
        }
        String prefix = name + "=";
        for (String entry : new String(env, StandardCharsets.UTF_8).split("\0")) {
            if (entry.startsWith(prefix)) {
                return entry.substring(prefix.length());
            }
        }
        return null;
    }

    private static boolean containsEntry(byte[] env, byte[] entry) {
        int start = 0;
        for (int i = 0; i <= env.length; i++) {
            if (i == env.length || env[i] == 0) {
                if (i - start == entry.length) {
                    boolean same = true;
                    for (int j = 0; j < entry.length && same; j++) {
                        same = env[start + j] == entry[j];
                    }
                    if (same) {
                        return true;
                    }
                }
                start = i + 1;
            }
        }
        return false;
    }

    /** The command line, arguments joined by spaces, or null when gone. */
    public static String commandLine(long pid) {
        String line = read(Paths.get("/proc", Long.toString(pid), "cmdline"));
        return line == null || line.isEmpty() ? null : line.replace('\0', ' ').trim();
    }

    /** PIDs of live processes whose command line (arguments joined by spaces) contains {@code text}. */
    public static List<Long> withCommandLineContaining(String text) {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Paths.get("/proc"), "[0-9]*")) {
            for (Path dir : dirs) {
                String line = read(dir.resolve("cmdline"));
                if (line != null && line.replace('\0', ' ').contains(text)) {
                    long pid = Long.parseLong(dir.getFileName().toString());
                    if (alive(pid, startTicks(pid))) {
                        pids.add(pid);
                    }
                }
            }
        } catch (IOException ignored) {
            // no /proc: nothing to find
        }
        return pids;
    }

    /** True when the process ignores the signal ({@code SigIgn}). */
    public static boolean ignores(long pid, int signal) {
        String status = read(Paths.get("/proc", Long.toString(pid), "status"));
        if (status == null) {
            return false;
        }
        for (String line : status.split("\n")) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) >>> (signal - 1) & 1) != 0;
            }
        }
        return false;
    }

    private static String read(Path path) {
        try {
            return new String(Files.readAllBytes(path), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null;
        }
    }
}
