package dev.reap.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** One run of {@code java -jar reap-agent.jar ...}: its exit status, stdout and stderr. */
public final class Cli {
    public final int status;
    public final String out;
    public final String err;

    private Cli(int status, String out, String err) {
        this.status = status;
        this.out = out;
        this.err = err;
    }

    /** Runs the CLI with the test's mark in its environment, stderr captured in {@code dir}. */
    public static Cli run(Path dir, String mark, String... args) throws IOException, InterruptedException {
        return runOn(Jdk.current().java(), dir, mark, args);
    }

    /** Runs the CLI on the {@code java} given (another JDK, or a JRE). */
    public static Cli runOn(String java, Path dir, String mark, String... args) throws IOException, InterruptedException {
        return runIn(java, null, Map.of(), dir, mark, args);
    }

    /** Runs the CLI in {@code directory} (null: this one) with {@code environment} added. */
    public static Cli runIn(String java, Path directory, Map<String, String> environment, Path dir, String mark, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java, "-jar", Host.AGENT_JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        builder.environment().putAll(environment);
        builder.environment().put(HostTest.MARK, mark);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        Path err = Files.createTempFile(dir, "cli", ".err");
        builder.redirectError(err.toFile());
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the CLI ends").isTrue();
        return new Cli(p.exitValue(), out, new String(Files.readAllBytes(err), StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "exit " + status + "; stdout:\n" + out + "stderr:\n" + err;
    }
}
