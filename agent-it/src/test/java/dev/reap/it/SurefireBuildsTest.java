package dev.reap.it;

import dev.reap.it.support.Cli;
import dev.reap.it.support.HostTest;
import dev.reap.it.support.Maven;
import dev.reap.it.support.SampleBuild;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real Maven builds of a sample project wired exactly as the README says (the dependency plugin's
 * properties goal, {@code ${dev.reap:reap-agent:jar}}, {@code @{argLine}} kept), on the JDK this
 * suite runs on (CI runs it on 17 and on 25): whatever way the build goes, nothing its tests
 * spawned is alive once {@code mvn} returns, and the output names the test that leaked each process.
 */
class SurefireBuildsTest extends HostTest {
    private SampleBuild build;

    @BeforeEach
    void copySample() throws Exception {
        Maven.installAgent(dir);
        build = SampleBuild.of("leaky-build", null, dir, mark);
    }

    @Test
    void testsThatPassButLeaveProcessesWithJacocoMockitoAndFailsafe() throws Exception {
        String log = build.mvn(0, "verify", "-Pjacoco");

        Map<String, long[]> spawned = build.spawned();
        assertThat(spawned).containsKeys("plain", "deaf", "shell", "grandchild", "daemon", "other", "other-daemon", "mocking",
                "failsafe", "failsafe-daemon", "commons-exec-orphan");
        build.nothingSurvives(spawned, log);
        assertThat(log).as("a library's helper's orphan: its test, and a site in the test's own code")
                .contains("[reap] warning: sample.CommonsExecTest#leavesTheOrphanOfAHelper() finished with 1 process it spawned still"
                        + " alive: pid " + spawned.get("commons-exec-orphan")[0] + " 'sleep 600' orphaned by a spawn at"
                        + " sample.CommonsExecTest.leavesTheOrphanOfAHelper(CommonsExecTest.java:18) via org.apache.commons.exec.");
        assertThat(log).contains("[reap] warning: sample.LeakyTest#leavesAPlainChild() finished with 1 process it spawned"
                + " still alive: pid " + spawned.get("plain")[0] + " 'sleep 600' spawned at sample.Spawned.start(Spawned.java:");
        assertThat(log).contains("[reap] warning: sample.LeakyIT#leavesAChildAndADaemon() finished with 2 processes");
        assertThat(log).containsPattern("\\[reap\\] reaped \\d+ processes: ");
        assertThat(build.project().resolve("target/jacoco.exec")).as("JaCoCo's agent ran beside it").exists();
        assertThat(build.project().resolve("target/jacoco-it.exec")).exists();

        List<String> reports = build.files("target", "reap-*.json");
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
        String log = build.mvn(0, "test", "-Djunit.version=6.1.3", "-DforkCount=2", "-DreuseForks=false",
                "-Djunit.jupiter.execution.parallel.enabled=true",
                "-Djunit.jupiter.execution.parallel.mode.classes.default=concurrent");

        Map<String, long[]> spawned = build.spawned();
        assertThat(spawned).containsKeys("plain", "deaf", "grandchild", "daemon", "other", "other-daemon", "mocking");
        build.nothingSurvives(spawned, log);
        assertThat(build.files("target", "reap-*.json")).as("a report per fork, none overwritten (%%p)").hasSize(4);
        assertThat(log).as("the listener works on JUnit 6").contains("[reap] warning: sample.OtherLeakyTest#leavesAChild() finished");
    }

    @Test
    void aTestThatCallsSystemExit() throws Exception {
        String log = build.mvn(1, "test", "-Dtest=ExitingTest");

        assertThat(log).contains("The forked VM terminated without properly saying goodbye");
        Map<String, long[]> spawned = build.spawned();
        assertThat(spawned).containsKeys("before-exit", "before-exit-daemon");
        build.nothingSurvives(spawned, log);
    }
}
