package dev.reap.it.support;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A copy of a sample project under {@code src/it} and its real Maven builds: the output, what its
 * tests recorded they spawned ({@code REAP_IT_PIDS}: one line {@code <name> <pid> <start ticks>}),
 * and the check that none of it is alive once {@code mvn} returns.
 */
public final class SampleBuild {
    private static final Path SAMPLES = Paths.get("src/it").toAbsolutePath();

    private final Path project;
    private final Path pids;
    private final Path log;
    private final String mark;
    private String maven;
    private final Map<String, String> environment = new LinkedHashMap<>();

    private SampleBuild(Path project, Path dir, String mark) {
        this.project = project;
        this.pids = dir.resolve("pids");
        this.log = dir.resolve("mvn.log");
        this.mark = mark;
    }

    /** A fresh copy of {@code src/it/<sample>} in {@code dir}; {@code sourcesOf}: another sample whose {@code src} it takes, or null. */
    public static SampleBuild of(String sample, String sourcesOf, Path dir, String mark) throws IOException {
        Path project = dir.resolve("project");
        if (sourcesOf != null) {
            Maven.copy(SAMPLES.resolve(sourcesOf).resolve("src"), project.resolve("src"));
        }
        Maven.copy(SAMPLES.resolve(sample), project);
        return new SampleBuild(project, dir, mark);
    }

    public Path project() {
        return project;
    }

    /** Builds with this {@code mvn} instead of the running build's. */
    public SampleBuild with(String mvn) {
        this.maven = mvn;
        return this;
    }

    /** Builds with {@code name=value} in the environment (GitHub Actions' variables, say). */
    public SampleBuild env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** Runs the build to its end and returns its output; it must end with {@code status} (0, or not 0). */
    public String mvn(int status, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("-Dreap.version=" + System.getProperty("it.agent.version", "0.1.0-SNAPSHOT"));
        ProcessBuilder builder = Maven.build(maven, Jdk.current(), project, log, mark, all.toArray(new String[0]));
        builder.environment().put("REAP_IT_PIDS", pids.toString());
        builder.environment().putAll(environment);
        Process build = builder.start();
        try {
            assertThat(build.waitFor(600, TimeUnit.SECONDS)).as("mvn ends").isTrue();
        } finally {
            build.destroyForcibly();
        }
        String output = HostTest.readFile(log);
        if (status == 0) {
            assertThat(build.exitValue()).as("mvn %s:%n%s", String.join(" ", args), output).isZero();
        } else {
            assertThat(build.exitValue()).as("mvn %s fails:%n%s", String.join(" ", args), output).isNotZero();
        }
        return output;
    }

    /** What the sample's tests recorded: name to PID and start time. */
    public Map<String, long[]> spawned() {
        Map<String, long[]> spawned = new LinkedHashMap<>();
        for (String line : HostTest.readFile(pids).split("\n")) {
            String[] f = line.split(" ");
            if (f.length == 3) {
                spawned.put(f[0], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return spawned;
    }

    /** Everything the tests recorded is dead (a moment's bound only for the kernel to finish a SIGKILL'd exit). */
    public void nothingSurvives(Map<String, long[]> spawned, String log) throws InterruptedException {
        nothingSurvivesWithin(Duration.ofMillis(500), spawned, log);
    }

    /** Everything the tests recorded is dead within {@code bound} (a watchdog reaping after its JVM's end). */
    public void nothingSurvivesWithin(Duration bound, Map<String, long[]> spawned, String log) throws InterruptedException {
        for (Map.Entry<String, long[]> e : spawned.entrySet()) {
            long[] p = e.getValue();
            assertThat(HostTest.eventually(bound, () -> !Proc.alive(p[0], p[1])))
                    .as("%s (pid %d) survived the build; mvn log:%n%s", e.getKey(), p[0], log).isTrue();
        }
    }

    /** The files of the project's {@code directory} (relative to it) that match {@code glob}, as paths. */
    public List<String> files(String directory, String glob) throws IOException {
        List<String> files = new ArrayList<>();
        Path dir = project.resolve(directory);
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, glob)) {
            found.forEach(f -> files.add(f.toString()));
        }
        return files;
    }
}
