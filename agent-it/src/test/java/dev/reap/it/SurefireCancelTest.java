package dev.reap.it;

import dev.reap.it.support.Host;
import dev.reap.it.support.HostTest;
import dev.reap.it.support.Jdk;
import dev.reap.it.support.Proc;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Maven build of a sample project wired with the agent, cancelled mid-test (SIGTERM to
 * Maven, as a CI "cancel" or Ctrl-C does): the processes its test started must not survive.
 */
class SurefireCancelTest extends HostTest {
    private static final Path SAMPLE = Paths.get("src/it/surefire-cancel").toAbsolutePath();

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void aCancelledBuildLeavesNothingBehind(int major) throws Exception {
        Jdk jdk = Jdk.require(major);
        String mvn = mavenCommand();
        Path project = copy(SAMPLE, dir.resolve("project"));
        Path pids = dir.resolve("pids");
        List<String> command = new ArrayList<>(List.of(mvn, "-B", "-q", "-nsu", "test",
                "-Dreap.agent.jar=" + Host.AGENT_JAR));
        String repo = System.getProperty("it.maven.repo");
        if (repo != null && !repo.isEmpty()) {
            command.add("-Dmaven.repo.local=" + repo);
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("mvn.log").toFile());
        builder.environment().put(MARK, mark);
        builder.environment().put("REAP_IT_PIDS", pids.toString());
        builder.environment().put("JAVA_HOME", jdk.home().toString());
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("MAVEN_OPTS");
        builder.environment().remove("REAP_AGENT_SESSIONS");
        Process maven = builder.start();
        try {
            assertThat(eventually(Duration.ofSeconds(120), () -> read(pids).split("\n").length == 2 && read(pids).endsWith("\n")))
                    .as("the sample's test started its processes; mvn log:%n%s", read(dir.resolve("mvn.log"))).isTrue();
            List<long[]> spawned = read(pids).lines().map(Long::parseLong)
                    .map(pid -> new long[] {pid, Proc.startTicks(pid)}).collect(Collectors.toList());
            // mid-test: once the fork's watchdog runs (it starts when a child has lived a moment)
            assertThat(eventually(Duration.ofSeconds(10), () -> !Proc.withCommandLineContaining("WatchdogMain").stream()
                    .filter(pid -> Proc.withEnvironment(MARK, mark).contains(pid)).collect(Collectors.toList()).isEmpty()))
                    .as("the fork's watchdog runs").isTrue();

            new ProcessBuilder("kill", "-TERM", Long.toString(maven.pid())).start().waitFor();
            assertThat(maven.waitFor(60, TimeUnit.SECONDS)).as("mvn ends once cancelled").isTrue();

            for (long[] p : spawned) {
                assertThat(eventually(Duration.ofSeconds(5), () -> !Proc.alive(p[0], p[1])))
                        .as("pid %d survived the cancelled build; mvn log:%n%s", p[0], read(dir.resolve("mvn.log"))).isTrue();
            }
        } finally {
            maven.destroyForcibly();
        }
    }

    private static String mavenCommand() {
        String home = System.getProperty("it.maven.home");
        if (home != null && new File(home, "bin/mvn").canExecute()) {
            return new File(home, "bin/mvn").getPath();
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, "mvn").canExecute()) {
                return new File(dir, "mvn").getPath();
            }
        }
        Assumptions.abort("no mvn found (maven.home or PATH): the real build cannot run");
        return null;
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        return to;
    }
}
