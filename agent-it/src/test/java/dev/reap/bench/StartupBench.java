package dev.reap.bench;

import dev.reap.it.hosts.SpawnOnceHost;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JVM start of a program that spawns once: bare, with a do-nothing agent, with reap-agent (and
 * any other agent jars named on the command line), alternating, medians.
 *
 * <p>Usage: {@code StartupBench <classes> <rounds> <java.home>... [name=agent.jar]...}
 */
public final class StartupBench {
    private StartupBench() {
    }

    public static void main(String[] args) throws Exception {
        String classes = args[0];
        int rounds = Integer.parseInt(args[1]);
        List<String> homes = new ArrayList<>();
        Map<String, String> agents = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq > 0) {
                agents.put(args[i].substring(0, eq), args[i].substring(eq + 1));
            } else {
                homes.add(args[i]);
            }
        }
        Path noop = Harness.noopAgentJar();
        String main = SpawnOnceHost.class.getName();
        for (String home : homes) {
            Map<String, List<String>> variants = new LinkedHashMap<>();
            variants.put("bare", Harness.host(home, null, classes, main));
            variants.put("noop-agent", Harness.host(home, "-javaagent:" + noop, classes, main));
            agents.forEach((name, jar) -> variants.put(name, Harness.host(home, "-javaagent:" + jar, classes, main)));
            Map<String, Double> ms = Harness.alternate(variants, rounds);
            System.out.printf("%s  (%d rounds, medians)%n", home, rounds);
            double noopMs = ms.get("noop-agent");
            ms.forEach((name, m) -> System.out.printf("  %-14s %7.1f ms  %6.3fx noop%n", name, m, m / noopMs));
        }
    }
}
