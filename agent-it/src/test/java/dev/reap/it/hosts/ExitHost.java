package dev.reap.it.hosts;

import java.util.ArrayList;
import java.util.List;

/**
 * Spawns N children of a kind, lets them live {@code linger} ms (default 0), prints
 * {@code ready} and returns from main: the time from {@code ready} to the JVM's end is its exit
 * time. Kinds: sleep (ends on SIGINT), stubborn (handles INT and TERM and never exits), deaf
 * (ignores SIGINT, as a CI shell's background job's children do).
 *
 * <p>Usage: {@code ExitHost <n> <kind> [linger ms]}
 */
public final class ExitHost {
    private ExitHost() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        String kind = args[1];
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ProcessBuilder b = "stubborn".equals(kind)
                    ? new ProcessBuilder("sh", "-c", "trap : INT TERM; echo up; while :; do sleep 0.05; done")
                    : "deaf".equals(kind) ? new ProcessBuilder("sh", "-c", "trap '' INT; echo up; exec sleep 600")
                    : new ProcessBuilder("sleep", "600");
            children.add(b.redirectErrorStream(true).start());
        }
        if ("stubborn".equals(kind) || "deaf".equals(kind)) {
            for (Process p : children) {
                p.getInputStream().read(); // its traps are set once it prints
            }
        }
        if (args.length > 2) {
            // a bench host: children that live a while, as a test's server does
            Thread.sleep(Long.parseLong(args[2]));
        }
        for (Process p : children) {
            System.out.println("child " + p.pid());
        }
        System.out.println("ready");
        System.out.flush();
    }
}
