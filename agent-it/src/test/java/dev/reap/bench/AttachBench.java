package dev.reap.bench;

import dev.reap.it.hosts.ZooHost;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code attach} end to end: a JVM without the agent spawns 10 children; {@code java -jar
 * reap-agent.jar attach <pid>} runs on the CLI's JDK; timed are the whole command (its own JVM's
 * start included) and the attach as the command reports it (from its first check of the target to
 * the agent's confirmation, adoption included). R rounds, medians; each target then exits and
 * reaps what it adopted.
 *
 * <p>Usage: {@code AttachBench <agent jar> <classes> <target java.home> <CLI java.home> <rounds>}.
 */
public final class AttachBench {
    private static final Pattern REPORTED = Pattern.compile(" in (\\d+) ms: ");

    private AttachBench() {
    }

    public static void main(String[] args) throws Exception {
        String jar = args[0];
        String classes = args[1];
        String targetHome = args[2];
        String cliHome = args[3];
        int rounds = Integer.parseInt(args[4]);
        List<Long> whole = new ArrayList<>();
        List<Long> reported = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            Path dir = Files.createTempDirectory("reap-attach-bench");
            List<String> kinds = new ArrayList<>(List.of("return", dir.toString()));
            for (int i = 0; i < 10; i++) {
                kinds.add("plain");
            }
            Process target = new ProcessBuilder(Harness.host(targetHome, null, classes, ZooHost.class.getName(),
                    kinds.toArray(new String[0]))).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
            for (String line = out.readLine(); !"ready".equals(line); line = out.readLine()) {
                if (line == null) {
                    throw new IllegalStateException("the target did not start");
                }
            }
            long start = System.nanoTime();
            Process cli = new ProcessBuilder(Harness.java(cliHome, "-jar", jar, "attach", Long.toString(target.pid())))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String said = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = cli.waitFor();
            whole.add((System.nanoTime() - start) / 1_000_000);
            Matcher m = REPORTED.matcher(said);
            try (OutputStream in = target.getOutputStream()) {
                in.write("go\n".getBytes(StandardCharsets.UTF_8));
            }
            target.waitFor();
            if (status != 0 || !m.find()) {
                throw new IllegalStateException("attach failed (exit " + status + "): " + said);
            }
            reported.add(Long.parseLong(m.group(1)));
        }
        System.out.printf("target %s, CLI %s (%d rounds, medians)%n  attach, whole command %d ms, as reported %d ms (all: %s)%n",
                targetHome, cliHome, rounds, (long) Harness.median(whole), (long) Harness.median(reported), reported);
    }
}
