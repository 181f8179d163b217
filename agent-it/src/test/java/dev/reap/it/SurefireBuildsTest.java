package dev.reap.it;

import dev.reap.it.support.Cli;
import dev.reap.it.support.HostTest;
import dev.reap.it.support.Jdk;
import dev.reap.it.support.Maven;
import dev.reap.it.support.Proc;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
 * Real Maven builds of a sample project wired exactly as the README says (the dependency plugin's
 * properties goal, {@code ${dev.reap:reap-agent:jar}}, {@code @{argLine}} kept), on the JDK this
 * suite runs on (CI runs it on 17 and on 25): whatever way the build goes, nothing its tests
 * spawned is alive once {@code mvn} returns, and the output names the test that leaked each process.
 */
class SurefireBuildsTest extends HostTest {
    private static final Path SAMPLE = Paths.get("src/it/leaky-build").toAbsolutePath();

    private Path project;
    private Path pids;

    @BeforeEach
    void copySample() throws Exception {
        Maven.installAgent(dir);
        project = Maven.copy(SAMPLE, dir.resolve("project"));
        pids = dir.resolve("pids");
    }

    @Test
    void testsThatPassButLeaveProcessesWithJacocoMockitoAndFailsafe() throws Exception {
        String log = mvn(0, "verify", "-Pjacoco");

        Map<String, long[]> spawned = spawned();
        assertThat(spawned).containsKeys("plain", "deaf", "shell", "grandchild", "daemon", "other", "other-daemon", "mocking",
                "failsafe", "failsafe-daemon");
        nothingSurvives(spawned, log);
        assertThat(log).contains("[reap] warning: sample.LeakyTest#leavesAPlainChild() finished with 1 process it spawned"
                + " still alive: pid " + spawned.get("plain")[0] + " 'sleep 600' spawned at sample.Spawned.start(Spawned.java:");
        assertThat(log).contains("[reap] warning: sample.LeakyIT#leavesAChildAndADaemon() finished with 1 process");
        assertThat(log).containsPattern("\\[reap\\] reaped \\d+ processes: ");
        assertThat(project.resolve("target/jacoco.exec")).as("JaCoCo's agent ran beside it").exists();
        assertThat(project.resolve("target/jacoco-it.exec")).exists();

        List<String> reports = reports();
        assertThat(reports).as("one report per fork: Surefire's and Failsafe's").hasSizeGreaterThanOrEqualTo(2);
        List<String> args = new ArrayList<>(List.of("report"));
        args.addAll(reports);
        Cli summary = Cli.run(dir, mark, args.toArray(new String[0]));
        assertThat(summary.out).contains("sample.LeakyTest#leavesAGrandchild()").contains("sample.LeakyIT#leavesAChildAndADaemon()")
                .contains("sample.MockingTest#mocksAFinalishTypeAndLeavesAChild()");
        assertThat(summary.status).as("%s", summary).isZero();
    }

    @Test
    void twoForksWithoutReuseAndParallelClassesOnJUnit6() throws Exception {
        String log = mvn(0, "test", "-Djunit.version=6.1.3", "-DforkCount=2", "-DreuseForks=false",
                "-Djunit.jupiter.execution.parallel.enabled=true",
                "-Djunit.jupiter.execution.parallel.mode.classes.default=concurrent");

        Map<String, long[]> spawned = spawned();
        assertThat(spawned).containsKeys("plain", "deaf", "grandchild", "daemon", "other", "other-daemon", "mocking");
        nothingSurvives(spawned, log);
        assertThat(reports()).as("a report per fork, none overwritten (%%p)").hasSize(3);
        assertThat(log).as("the listener works on JUnit 6").contains("[reap] warning: sample.OtherLeakyTest#leavesAChild() finished");
    }

    @Test
    void aTestThatCallsSystemExit() throws Exception {
        String log = mvn(1, "test", "-Dtest=ExitingTest");

        assertThat(log).contains("The forked VM terminated without properly saying goodbye");
        Map<String, long[]> spawned = spawned();
        assertThat(spawned).containsKeys("before-exit", "before-exit-daemon");
        nothingSurvives(spawned, log);
    }

    /** Runs the build to its end and returns its output; it must end with {@code status} (0, or not 0). */
    private String mvn(int status, String... args) throws Exception {
        Path log = dir.resolve("mvn.log");
        List<String> all = new ArrayList<>(List.of(args));
        all.add("-Dreap.version=" + System.getProperty("it.agent.version", "0.1.0-SNAPSHOT"));
        ProcessBuilder builder = Maven.build(Jdk.current(), project, log, mark, all.toArray(new String[0]));
        builder.environment().put("REAP_IT_PIDS", pids.toString());
        Process maven = builder.start();
        try {
            assertThat(maven.waitFor(600, TimeUnit.SECONDS)).as("mvn ends").isTrue();
        } finally {
            maven.destroyForcibly();
        }
        String output = read(log);
        if (status == 0) {
            assertThat(maven.exitValue()).as("mvn %s:%n%s", String.join(" ", args), output).isZero();
        } else {
            assertThat(maven.exitValue()).as("mvn %s fails:%n%s", String.join(" ", args), output).isNotZero();
        }
        return output;
    }

    /** What the sample's tests recorded: name to PID and start time. */
    private Map<String, long[]> spawned() {
        Map<String, long[]> spawned = new LinkedHashMap<>();
        for (String line : read(pids).split("\n")) {
            String[] f = line.split(" ");
            if (f.length == 3) {
                spawned.put(f[0], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return spawned;
    }

    private static void nothingSurvives(Map<String, long[]> spawned, String log) throws InterruptedException {
        for (Map.Entry<String, long[]> e : spawned.entrySet()) {
            long[] p = e.getValue();
            // dead once mvn returns; a moment's bound only for the kernel to finish a SIGKILL'd exit
            assertThat(eventually(Duration.ofMillis(500), () -> !Proc.alive(p[0], p[1])))
                    .as("%s (pid %d) survived the build; mvn log:%n%s", e.getKey(), p[0], log).isTrue();
        }
    }

    private List<String> reports() throws IOException {
        List<String> reports = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(project.resolve("target"), "reap-*.json")) {
            files.forEach(f -> reports.add(f.toString()));
        }
        return reports;
    }
}
