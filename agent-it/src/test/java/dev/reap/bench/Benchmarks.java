package dev.reap.bench;

import dev.reap.it.support.Jdk;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every benchmark, on every JDK found (17 and 25), in one command; prints the machine, the JDKs
 * and each figure with its baseline. Benchmarks are not tests: nothing here fails on a time.
 *
 * <p>Usage (from the project root, after {@code mvn -B -q package -DskipTests}):
 * {@code java -cp agent/target/reap-agent.jar:agent-it/target/test-classes dev.reap.bench.Benchmarks [--quick]};
 * {@code --quick} runs tiny sizes, only to prove the harness works (CI does that).
 */
public final class Benchmarks {
    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = args.length > 0 && args[0].equals("--quick");
        String classes = classesDirectory();
        String jar = System.getProperty("bench.agent.jar",
                Paths.get(classes, "..", "..", "..", "agent", "target", "reap-agent.jar").normalize().toString());
        List<String> homes = new ArrayList<>();
        for (int major : Jdk.WANTED) {
            Optional<Jdk> jdk = Jdk.find(major);
            if (jdk.isPresent()) {
                homes.add(jdk.get().home().toString());
            } else {
                System.out.println("JDK " + major + " not found: skipped");
            }
        }
        System.out.println("reap-agent benchmarks, " + Instant.now() + (quick ? " (--quick: tiny sizes, figures mean nothing)" : ""));
        System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, " + cpuModel() + "; " + kernel());
        for (String home : homes) {
            System.out.println("JDK: " + home + " " + javaVersion(home));
        }
        System.out.println();

        section("JVM start: a program that spawns once, and javac, which never spawns (bare, a do-nothing agent, reap-agent)");
        List<String> startup = new ArrayList<>(List.of(quick ? "2" : "41"));
        startup.addAll(homes);
        startup.add("reap-agent=" + jar);
        StartupBench.main(startup.toArray(new String[0]));

        for (String home : homes) {
            System.out.println();
            section("spawns, exits, the ladder: " + home);
            ExitBench.main(new String[] {jar, classes, home, quick ? "1" : "6", quick ? "20" : "300", quick ? "5" : "100",
                "spawn,exit,exit-lingering,stubborn,deaf"});
            for (int n : quick ? new int[] {2} : new int[] {1, 10, 1000}) {
                ExitBench.main(new String[] {jar, classes, home, quick ? "1" : n == 1000 ? "1" : "5", "0", Integer.toString(n), "exit"});
            }
            section("the watchdog sidecar: " + home);
            WatchdogBench.main(new String[] {jar, classes, home, quick ? "1" : "3"});
            section("the registry after spawn-and-exit cycles: " + home);
            RegistryBench.main(new String[] {jar, classes, home, quick ? "200" : "2000"});
        }
        System.out.println();
        section("attach, end to end (each target JDK from the other JDK's CLI)");
        for (String target : homes) {
            // the other JDK's CLI: the cross-version case, which costs the same as the same-version one
            String cli = homes.stream().filter(h -> !h.equals(target)).findFirst().orElse(target);
            AttachBench.main(new String[] {jar, classes, target, quick ? target : cli, quick ? "1" : "5"});
        }
        System.out.println();
        section("the start-up sweep's /proc scan (this JVM: " + System.getProperty("java.home") + ")");
        SweepBench.main(new String[] {quick ? "100" : "2000", quick ? "1" : "9"});
        section("done");
    }

    private static final long STARTED = System.nanoTime();

    /** A section's header, with the time the harness has run so far (the whole must stay under 10 minutes). */
    private static void section(String title) {
        System.out.println("== " + title + "  [at " + (System.nanoTime() - STARTED) / 1_000_000_000 + " s]");
    }

    private static String classesDirectory() throws URISyntaxException {
        return new File(Benchmarks.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"), StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (Exception ignored) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static String kernel() {
        try {
            return new String(Files.readAllBytes(Paths.get("/proc/version")), StandardCharsets.ISO_8859_1).split(" \\(")[0];
        } catch (Exception e) {
            return System.getProperty("os.name") + " " + System.getProperty("os.version");
        }
    }

    private static String javaVersion(String home) {
        try {
            for (String line : Files.readAllLines(Path.of(home, "release"), StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("JAVA_RUNTIME_VERSION=")) {
                    return line.substring("JAVA_RUNTIME_VERSION=".length()).replace("\"", "");
                }
            }
        } catch (Exception ignored) {
            // no release file
        }
        return "";
    }
}
