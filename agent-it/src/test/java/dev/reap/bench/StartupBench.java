package dev.reap.bench;

import dev.reap.it.support.AgentJars;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JVM start of a program that spawns once, and the run of a JVM that loads many classes and never
 * spawns ({@code javac} compiling one small file): bare, with a do-nothing agent, with reap-agent
 * (and any other agent jars named on the command line), alternating, medians.
 *
 * <p>Both baselines load the do-nothing agent from a jar of its own, as any real agent is loaded.
 * The second program shows what the agent costs per class the JVM loads after it started: a
 * transformer left registered is called for every one of them.
 *
 * <p>Usage: {@code StartupBench <rounds> <java.home>... [name=agent.jar]...}
 */
public final class StartupBench {
    private StartupBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        List<String> homes = new ArrayList<>();
        Map<String, String> agents = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq > 0) {
                agents.put(args[i].substring(0, eq), args[i].substring(eq + 1));
            } else {
                homes.add(args[i]);
            }
        }
        Path noop = AgentJars.of(NoopAgent.class);
        String classes = Harness.classesOf(SpawnOnce.class).toString();
        Path source = Files.createTempDirectory("bench-javac");
        source.toFile().deleteOnExit();
        Path hello = Files.writeString(source.resolve("Hello.java"),
                "public class Hello { public static void main(String[] a) { System.out.println(java.util.List.of(a)); } }");
        hello.toFile().deleteOnExit();
        for (String home : homes) {
            System.out.printf("%s  spawn once (%d rounds, medians)%n", home, rounds);
            report(Harness.alternate(variants(home, noop, agents, "-cp", classes, SpawnOnce.class.getName()), rounds));
            int javacRounds = Math.max(1, rounds / 3);
            System.out.printf("%s  javac, never spawns (%d rounds, medians)%n", home, javacRounds);
            report(Harness.alternate(variants(home, noop, agents, "-m", "jdk.compiler/com.sun.tools.javac.Main",
                    "-d", source.toString(), hello.toString()), javacRounds));
        }
    }

    private static Map<String, List<String>> variants(String home, Path noop, Map<String, String> agents, String... program) {
        Map<String, List<String>> variants = new LinkedHashMap<>();
        variants.put("bare", Harness.withAgent(home, null, program));
        variants.put("noop-agent", Harness.withAgent(home, "-javaagent:" + noop, program));
        agents.forEach((name, jar) -> variants.put(name, Harness.withAgent(home, "-javaagent:" + jar, program)));
        return variants;
    }

    private static void report(Map<String, Double> ms) {
        double noopMs = ms.get("noop-agent");
        ms.forEach((name, m) -> System.out.printf("  %-14s %7.1f ms  %6.3fx noop  %+6.1f ms%n", name, m, m / noopMs, m - noopMs));
    }
}
