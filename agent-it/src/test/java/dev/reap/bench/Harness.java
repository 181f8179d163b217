package dev.reap.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared pieces of the benchmark mains: whole-JVM timing, alternating variants, medians. */
final class Harness {
    private Harness() {
    }

    /** Runs a command to its end and returns wall nanoseconds; fails on a non-zero status. */
    static long time(List<String> command) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int status = p.waitFor();
        long elapsed = System.nanoTime() - start;
        if (status != 0) {
            throw new IllegalStateException("exit " + status + ": " + command);
        }
        return elapsed;
    }

    /** Runs every variant {@code rounds} times, alternating, after one warm-up round; medians in ms. */
    static Map<String, Double> alternate(Map<String, List<String>> variants, int rounds)
            throws IOException, InterruptedException {
        Map<String, List<Long>> samples = new LinkedHashMap<>();
        for (String name : variants.keySet()) {
            samples.put(name, new ArrayList<>());
        }
        for (int round = -1; round < rounds; round++) {
            for (Map.Entry<String, List<String>> v : variants.entrySet()) {
                long t = time(v.getValue());
                if (round >= 0) {
                    samples.get(v.getKey()).add(t);
                }
            }
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        samples.forEach((name, s) -> medians.put(name, median(s) / 1e6));
        return medians;
    }

    static double median(List<Long> samples) {
        long[] sorted = samples.stream().mapToLong(Long::longValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    /**
     * A directory holding only the class files of {@code classes}. A host started from it cannot
     * find {@link NoopAgent} on its class path, so the do-nothing agent loads from its own jar,
     * as every real agent does (from the class path it skipped the jar-reading machinery).
     */
    static Path classesOf(Class<?>... classes) throws IOException {
        Path dir = Files.createTempDirectory("bench-host");
        dir.toFile().deleteOnExit();
        for (Class<?> c : classes) {
            String entry = c.getName().replace('.', '/') + ".class";
            Path target = dir.resolve(entry);
            Files.createDirectories(target.getParent());
            try (InputStream in = c.getClassLoader().getResourceAsStream(entry)) {
                Files.copy(in, target);
            }
            target.toFile().deleteOnExit();
        }
        return dir;
    }

    /** {@code java [agentOption] -cp classes main args...}; no agent option when it is null. */
    static List<String> host(String javaHome, String agentOption, String classes, String main, String... args) {
        List<String> command = withAgent(javaHome, agentOption, "-cp", classes, main);
        command.addAll(Arrays.asList(args));
        return command;
    }

    /** {@code java [agentOption] program...}; no agent option when it is null. */
    static List<String> withAgent(String javaHome, String agentOption, String... program) {
        List<String> command = java(javaHome);
        if (agentOption != null) {
            command.add(agentOption);
        }
        command.addAll(Arrays.asList(program));
        return command;
    }

    static List<String> java(String javaHome, String... args) {
        List<String> command = new ArrayList<>();
        command.add(javaHome + File.separator + "bin" + File.separator + "java");
        command.addAll(Arrays.asList(args));
        return command;
    }
}
