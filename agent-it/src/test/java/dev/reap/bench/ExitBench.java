package dev.reap.bench;

import dev.reap.it.hosts.ExitHost;
import dev.reap.it.hosts.SpawnLoopHost;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The costs and savings the core issue names, side by side in one run:
 * <ol>
 *   <li>N sequential spawns of {@code true}, with and without the agent (in-process time);</li>
 *   <li>JVM exit with C cooperative children: bare (leaves them), with the agent, and the
 *       original Python reaper's algorithm (SIGINT all, one shared deadline, 0.25 s poll); with
 *       children just spawned, and with children that lived half a second (the agent's signal
 *       shell is ready by then: what a test's leftover server meets);</li>
 *   <li>one child that handles INT and TERM and never exits, {@code reap.grace=1s};</li>
 *   <li>one child that ignores SIGINT: the agent's exit against the original algorithm, which waits
 *       the whole grace (3 s) on it.</li>
 * </ol>
 * Usage: {@code ExitBench <agent jar> <classes> <java.home> <rounds> <spawns> <children> [sections]};
 * sections, comma-separated: spawn, exit, exit-lingering, stubborn, deaf (default: all).
 */
public final class ExitBench {
    private ExitBench() {
    }

    public static void main(String[] args) throws Exception {
        String jar = args[0];
        String classes = args[1];
        String home = args[2];
        int rounds = Integer.parseInt(args[3]);
        int spawns = Integer.parseInt(args[4]);
        int children = Integer.parseInt(args[5]);
        List<String> sections = java.util.Arrays.asList(
                (args.length > 6 ? args[6] : "spawn,exit,exit-lingering,stubborn,deaf").split(","));
        System.out.println(home);
        if (sections.contains("spawn")) {
            spawns(jar, classes, home, rounds, spawns);
        }
        if (sections.contains("exit")) {
            exitWithChildren(jar, classes, home, rounds, children, "0");
        }
        if (sections.contains("exit-lingering")) {
            exitWithChildren(jar, classes, home, rounds, children, "500");
        }
        if (sections.contains("stubborn")) {
            stubborn(jar, classes, home, rounds);
        }
        if (sections.contains("deaf")) {
            deaf(jar, classes, home, rounds);
        }
    }

    private static void spawns(String jar, String classes, String home, int rounds, int spawns) throws Exception {

        List<Long> bareSpawns = new ArrayList<>();
        List<Long> agentSpawns = new ArrayList<>();
        List<Long> agentNoStacks = new ArrayList<>();
        List<Long> agentNoCgroup = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            bareSpawns.add(spawnLoop(home, classes, null, spawns));
            agentSpawns.add(spawnLoop(home, classes, "-javaagent:" + jar, spawns));
            agentNoCgroup.add(spawnLoop(home, classes, "-javaagent:" + jar + "=cgroup=off", spawns));
            agentNoStacks.add(spawnLoop(home, classes, "-javaagent:" + jar + "=stacks=false,cgroup=off", spawns));
        }
        double bare = Harness.median(bareSpawns) / 1e6;
        double agent = Harness.median(agentSpawns) / 1e6;
        double noCgroup = Harness.median(agentNoCgroup) / 1e6;
        double noStacks = Harness.median(agentNoStacks) / 1e6;
        System.out.printf("  %d spawns of true: bare %.1f ms, agent (cgroup=auto) %.1f ms (%.3fx), cgroup=off %.1f ms (%.3fx),"
                + " stacks=false,cgroup=off %.1f ms (%.3fx)%n", spawns, bare, agent, agent / bare, noCgroup, noCgroup / bare,
                noStacks, noStacks / bare);

    }

    private static void stubborn(String jar, String classes, String home, int rounds) throws Exception {
        List<Long> stubborn = new ArrayList<>();
        List<Long> lingering = new ArrayList<>();
        List<Long> bareOne = new ArrayList<>();
        for (int r = 0; r < (rounds == 1 ? 1 : Math.max(3, rounds / 2)); r++) {
            bareOne.add(exit(home, classes, null, 1, "stubborn"));
            stubborn.add(exit(home, classes, "-javaagent:" + jar + "=grace=1s", 1, "stubborn"));
            lingering.add(exit(home, classes, "-javaagent:" + jar + "=grace=1s", 1, "stubborn", "500"));
        }
        double stubbornMs = Harness.median(stubborn) / 1e6;
        double bareOneMs = Harness.median(bareOne) / 1e6;
        System.out.printf("  one child handling INT and TERM, never exiting, grace=1s: exit %.1f ms, bare %.1f ms, added %.1f ms"
                + " (bound 2000 ms + 50)%n", stubbornMs, bareOneMs, stubbornMs - bareOneMs);
        // a child that lived 500 ms: the agent keeps a shell ready for SIGINT by then, no kill process to start
        System.out.printf("  the same child after it lived 500 ms: exit %.1f ms%n", Harness.median(lingering) / 1e6);
    }

    private static void deaf(String jar, String classes, String home, int rounds) throws Exception {
        List<Long> deaf = new ArrayList<>();
        for (int r = 0; r < (rounds == 1 ? 1 : Math.max(3, rounds / 2)); r++) {
            deaf.add(exit(home, classes, "-javaagent:" + jar, 1, "deaf"));
        }
        System.out.printf("  one child ignoring SIGINT, default grace 3s: JVM exit %.1f ms (the original algorithm waits"
                + " the whole grace on it: 3000 ms)%n", Harness.median(deaf) / 1e6);
    }

    private static void exitWithChildren(String jar, String classes, String home, int rounds, int children, String linger)
            throws Exception {
        List<Long> bareExit = new ArrayList<>();
        List<Long> agentExit = new ArrayList<>();
        List<Long> agentReap = new ArrayList<>();
        List<Long> python = new ArrayList<>();
        java.nio.file.Path reports = java.nio.file.Files.createTempDirectory("reap-bench");
        for (int r = 0; r < rounds; r++) {
            bareExit.add(exit(home, classes, null, children, "sleep", linger));
            java.nio.file.Path report = reports.resolve("round-" + r + ".json");
            agentExit.add(exit(home, classes, "-javaagent:" + jar + "=report=" + report, children, "sleep", linger));
            agentReap.add(reportedReapNanos(report));
            python.add(pythonAlgorithm(children));
        }
        double bareMs = Harness.median(bareExit) / 1e6;
        double agentMs = Harness.median(agentExit) / 1e6;
        double reapMs = Harness.median(agentReap) / 1e6;
        double pythonMs = Harness.median(python) / 1e6;
        System.out.printf("  exit with %d cooperative children %s: JVM exit bare %.1f ms (leaves them alive), with agent %.1f ms;"
                + " agent's reap %.1f ms vs python algorithm's reap %.1f ms: %.3fx%n",
                children, linger.equals("0") ? "just spawned" : "that lived " + linger + " ms", bareMs, agentMs, reapMs,
                pythonMs, reapMs / pythonMs);
    }

    private static long spawnLoop(String home, String classes, String agent, int n) throws Exception {
        List<String> cmd = Harness.host(home, agent, classes, SpawnLoopHost.class.getName(), Integer.toString(n));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return Long.parseLong(out);
    }

    /** Nanoseconds from the host's "ready" to its exit; kills whatever it left behind. */
    private static long exit(String home, String classes, String agent, int n, String kind, String... linger)
            throws Exception {
        List<String> cmd = Harness.host(home, agent, classes, ExitHost.class.getName(), Integer.toString(n), kind);
        cmd.addAll(java.util.Arrays.asList(linger));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<Long> pids = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        long ready = 0;
        while ((line = r.readLine()) != null) {
            if (line.startsWith("child ")) {
                pids.add(Long.parseLong(line.substring(6)));
            } else if (line.equals("ready")) {
                ready = System.nanoTime();
            }
        }
        p.waitFor();
        long elapsed = System.nanoTime() - ready;
        killAll(pids);
        return elapsed;
    }

    private static long reportedReapNanos(java.nio.file.Path report) throws java.io.IOException {
        String json = new String(java.nio.file.Files.readAllBytes(report), StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"elapsedMillis\": (\\d+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no elapsedMillis in " + report);
        }
        return Long.parseLong(m.group(1)) * 1_000_000L;
    }

    /** Kills what a bare host left behind and waits until it is gone (not through onExit: it polls non-children every 300 ms). */
    private static void killAll(List<Long> pids) throws InterruptedException {
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        for (long pid : pids) {
            while (new java.io.File("/proc/" + pid).exists() && !zombie(pid)) {
                Thread.sleep(1);
            }
        }
    }

    private static boolean zombie(long pid) {
        try {
            String stat = new String(java.nio.file.Files.readAllBytes(java.nio.file.Paths.get("/proc/" + pid + "/stat")),
                    StandardCharsets.ISO_8859_1);
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (java.io.IOException e) {
            return true;
        }
    }

    /** The original reaper: SIGINT to all, then poll every 0.25 s up to one shared deadline. */
    private static long pythonAlgorithm(int n) throws Exception {
        List<Process> procs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            procs.add(new ProcessBuilder("sleep", "600").start());
        }
        List<String> kill = new ArrayList<>(List.of("kill", "-INT"));
        for (Process p : procs) {
            kill.add(Long.toString(p.pid()));
        }
        long start = System.nanoTime();
        new ProcessBuilder(kill).start().waitFor();
        long deadline = start + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < deadline) {
            Thread.sleep(250);
            boolean any = false;
            for (Process p : procs) {
                any |= p.isAlive();
            }
            if (!any) {
                break;
            }
        }
        long elapsed = System.nanoTime() - start;
        for (Process p : procs) {
            p.destroyForcibly().waitFor();
        }
        return elapsed;
    }
}
