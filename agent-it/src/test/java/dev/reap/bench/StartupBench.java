package dev.reap.bench;

import dev.reap.it.hosts.SpawnOnceHost;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JVM start of a program that spawns once: bare, with a do-nothing agent, with reap-agent,
 * alternating. Usage: {@code StartupBench <agent jar> <classes> <rounds> [java.home...]}.
 */
public final class StartupBench {
    private StartupBench() {
    }

    public static void main(String[] args) throws Exception {
        String agentJar = args[0];
        String classes = args[1];
        int rounds = Integer.parseInt(args[2]);
        List<String> homes = args.length > 3 ? List.of(args).subList(3, args.length) : List.of(System.getProperty("java.home"));
        Path noop = Harness.noopAgentJar();
        for (String home : homes) {
            Map<String, List<String>> variants = new LinkedHashMap<>();
            String main = SpawnOnceHost.class.getName();
            variants.put("bare", Harness.java(home, "-cp", classes, main));
            variants.put("noop-agent", Harness.java(home, "-javaagent:" + noop, "-cp", classes, main));
            variants.put("reap-agent", Harness.java(home, "-javaagent:" + agentJar, "-cp", classes, main));
            Map<String, Double> ms = Harness.alternate(variants, rounds);
            System.out.printf("%s  (%d rounds, medians)%n", home, rounds);
            ms.forEach((name, m) -> System.out.printf("  %-12s %7.1f ms%n", name, m));
            System.out.printf("  reap/noop    %7.3fx%n  reap/bare    %7.3fx%n",
                    ms.get("reap-agent") / ms.get("noop-agent"), ms.get("reap-agent") / ms.get("bare"));
        }
    }
}
