package dev.reap.it;

import dev.reap.it.support.HostTest;
import dev.reap.it.support.Jdk;
import dev.reap.it.support.Maven;
import dev.reap.it.support.Proc;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

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
        Maven.installAgent(dir);
        Path project = Maven.copy(SAMPLE, dir.resolve("project"));
        Path pids = dir.resolve("pids");
        ProcessBuilder builder = Maven.build(jdk, project, dir.resolve("mvn.log"), mark, "-q", "test",
                "-Dreap.version=" + System.getProperty("it.agent.version", "0.1.0-SNAPSHOT"));
        builder.environment().put("REAP_IT_PIDS", pids.toString());
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
}
