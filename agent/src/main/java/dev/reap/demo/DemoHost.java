package dev.reap.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The JVM the demo starts with the agent (outside the agent's packages, so that its spawn sites
 * show as the user's code would): it spawns a small zoo, prints one line per process
 * ({@code <pid> <what>|<command>}) and returns from {@code main} without cleaning anything up.
 */
public final class DemoHost {
    private DemoHost() {
    }

    public static void main(String[] args) throws IOException {
        report(start("sleep", "600"), "child", "sleep 600");
        report(start("sh", "-c", "trap '' INT; exec sleep 601"), "child ignoring SIGINT", "sleep 601");
        Process parent = start("sh", "-c", "sleep 602 & echo $!; wait");
        report(parent, "child", "sh -c 'sleep 602 & wait'");
        System.out.println(firstLine(parent) + " grandchild|sleep 602");
        Process daemon = start("sh", "-c", "setsid sleep 603 </dev/null >/dev/null 2>&1 & echo $!");
        System.out.println(firstLine(daemon) + " setsid daemon|setsid sleep 603");
        System.out.flush();
    }

    private static Process start(String... command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static void report(Process p, String what, String command) {
        System.out.println(p.pid() + " " + what + "|" + command);
    }

    private static String firstLine(Process p) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = reader.readLine();
        return line == null ? "?" : line.trim();
    }
}
