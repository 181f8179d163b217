package dev.reap.agent.cli;

import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code demo}: shows the agent at work on a real JVM and checks that nothing survived. */
final class Demo {
    private static final long HOST_TIMEOUT_SECONDS = 60;

    private final PrintStream out;
    private final PrintStream err;

    Demo(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println("usage: java -jar reap-agent.jar demo");
            out.println();
            out.println("Starts a JVM with the agent that spawns a few processes (a plain child, a setsid daemon,");
            out.println("one that ignores SIGINT), ends it, and shows what was reaped and that nothing survived.");
            return Main.OK;
        }
        if (args.length > 0) {
            err.println("reap-agent: demo takes no arguments, got '" + args[0] + "'");
            return Main.USAGE;
        }
        if (!ProcFs.available()) {
            err.println("reap-agent: the demo needs Linux's /proc to show what survived; this is " + System.getProperty("os.name"));
            return Main.USAGE;
        }
        String jar;
        try {
            jar = agentJar();
        } catch (IllegalStateException e) {
            err.println("reap-agent: " + e.getMessage());
            return Main.USAGE;
        }
        out.println("reap-agent demo: a JVM with -javaagent:" + new File(jar).getName()
                + " spawns four processes and returns from main.");
        out.println();
        List<Spawned> spawned = new ArrayList<>();
        int status;
        Path agentSaid = null;
        try {
            // the agent's lines are shown in a block of their own once the JVM has ended, not
            // interleaved with the table (its stderr and the demo's stdout share a terminal)
            agentSaid = Files.createTempFile("reap-demo", ".stderr");
            Process host = new ProcessBuilder(javaBinary(), "-javaagent:" + jar + "=grace=1s,log=debug",
                    "-cp", jar, "dev.reap.demo.DemoHost")
                    .redirectError(agentSaid.toFile())
                    .start();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    Spawned s = Spawned.parse(line);
                    if (s != null) {
                        spawned.add(s);
                        out.printf("  spawned   pid %-7d %-22s %s%n", s.pid, s.what, s.command);
                        out.flush();
                    }
                }
            }
            if (!host.waitFor(HOST_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                host.destroyForcibly();
                err.println("reap-agent: the demo JVM did not end within " + HOST_TIMEOUT_SECONDS + "s");
                return Main.LEFT_SOMETHING;
            }
            status = host.exitValue();
            out.println();
            out.println("The agent, in the demo JVM, on its stderr (log=debug):");
            for (String line : Files.readAllLines(agentSaid, StandardCharsets.UTF_8)) {
                out.println("  " + line);
            }
        } catch (IOException e) {
            err.println("reap-agent: cannot start the demo JVM: " + e.getMessage());
            return Main.USAGE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.LEFT_SOMETHING;
        } finally {
            if (agentSaid != null) {
                agentSaid.toFile().delete();
            }
        }
        out.println();
        out.println("The demo JVM ended (exit status " + status + "). What is left of what it spawned:");
        int survivors = 0;
        for (Spawned s : spawned) {
            boolean alive = s.startTicks >= 0 && ProcFs.isAlive(s.pid, s.startTicks);
            out.printf("  %-9s pid %-7d %-22s %s%n", alive ? "ALIVE" : "gone", s.pid, s.what, s.command);
            if (alive) {
                survivors++;
                ProcessHandle.of(s.pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        out.println();
        if (survivors > 0 || spawned.size() < 4) {
            out.println(survivors + " process(es) survived (the demo has now killed them): something is wrong.");
            return Main.LEFT_SOMETHING;
        }
        out.println("Nothing survived: SIGINT ended the polite ones at once, SIGTERM the ones ignoring SIGINT.");
        return Main.OK;
    }

    private static String javaBinary() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    private static String agentJar() {
        try {
            File location = new File(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!location.isFile()) {
                throw new IllegalStateException("the demo runs from the agent jar: java -jar agent/target/reap-agent.jar demo");
            }
            return location.getAbsolutePath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot find the agent jar: " + e.getMessage());
        }
    }

    /** One line of the host: {@code <pid> <what>|<command>}. */
    private static final class Spawned {
        final long pid;
        final long startTicks;
        final String what;
        final String command;

        Spawned(long pid, long startTicks, String what, String command) {
            this.pid = pid;
            this.startTicks = startTicks;
            this.what = what;
            this.command = command;
        }

        static Spawned parse(String line) {
            int space = line.indexOf(' ');
            int bar = line.indexOf('|');
            if (space < 0 || bar < space) {
                return null;
            }
            try {
                long pid = Long.parseLong(line.substring(0, space));
                ProcStat stat = ProcFs.stat(pid);
                return new Spawned(pid, stat == null ? -1 : stat.startTicks(), line.substring(space + 1, bar),
                        line.substring(bar + 1));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
