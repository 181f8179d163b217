package dev.reap.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/** The machine's cgroup v2, read as a user would: {@code /proc/self/mountinfo} and {@code /proc/<pid>/cgroup}. */
public final class Cgroups {
    private Cgroups() {
    }

    /** Where cgroup v2 is mounted with its whole hierarchy, or null. */
    public static Path mount() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/mountinfo"))) {
                String[] fields = line.split(" ");
                int dash = line.indexOf(" - cgroup2 ");
                if (dash > 0 && fields.length > 4 && fields[3].equals("/")) {
                    return Paths.get(fields[4]);
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /** Why a session cgroup cannot be tested here, or null: cgroup v2 mounted and this process's cgroup writable. */
    public static String unusable() {
        Path mount = mount();
        if (mount == null) {
            return "no cgroup v2 hierarchy is mounted";
        }
        Path own = dirOf(ProcessHandle.current().pid());
        return own != null && Files.isWritable(own.resolve("cgroup.procs")) ? null
                : "this process's cgroup " + own + " is not writable (root or a delegated cgroup is needed)";
    }

    /** The cgroup v2 directory of {@code pid}, or null. */
    public static Path dirOf(long pid) {
        Path mount = mount();
        try {
            List<String> lines = Files.readAllLines(Paths.get("/proc", Long.toString(pid), "cgroup"));
            for (String line : lines) {
                if (line.startsWith("0::") && mount != null) {
                    return Paths.get(mount.toString(), line.substring(3));
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
