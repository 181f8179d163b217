package dev.reap.it;

import dev.reap.it.support.HostTest;
import dev.reap.it.support.Maven;
import dev.reap.it.support.Proc;
import dev.reap.it.support.SampleBuild;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real Maven builds of leaky-build's tests wired through {@code dev.reap:reap-maven-plugin}
 * (prepare-agent, prepare-agent-integration, check; src/it/plugin-build), on the JDK this suite
 * runs on: the outcome by {@code failOn}, a warning per leak naming its test and spawn site, a
 * mistake in the configuration in one line before any fork, Surefire 2.22 and 3.x, Maven 3.8 and
 * 3.9, and nothing the tests spawned alive once {@code mvn} returns.
 */
class PluginBuildsTest extends HostTest {
    private SampleBuild build;

    @BeforeEach
    void copySample() throws Exception {
        Maven.installPlugin(dir);
        build = SampleBuild.of("plugin-build", "leaky-build", dir, mark);
    }

    @Test
    void everyLeakIsNamedWithItsTestAndSiteAndKillFailsNothingThatEndedPolitelyWithJacocoBeside() throws Exception {
        String log = build.mvn(0, "verify", "-Pjacoco", "-Dreap.failOn=kill");

        Map<String, long[]> spawned = build.spawned();
        assertThat(spawned).containsKeys("plain", "deaf", "shell", "grandchild", "daemon", "other", "other-daemon", "mocking",
                "failsafe", "failsafe-daemon", "commons-exec-orphan");
        build.nothingSurvives(spawned, log);
        assertThat(log).as("a library's helper's orphan").contains("[WARNING] reap: sample.CommonsExecTest#leavesTheOrphanOfAHelper() left pid "
                + spawned.get("commons-exec-orphan")[0] + " 'sleep 600' spawned at sample.CommonsExecTest.leavesTheOrphanOfAHelper("
                + "CommonsExecTest.java:18) via org.apache.commons.exec.");
        assertThat(log).contains("[WARNING] reap: sample.LeakyTest#leavesAPlainChild() left pid " + spawned.get("plain")[0]
                + " 'sleep 600' spawned at sample.Spawned.start(Spawned.java:");
        assertThat(log).as("a grandchild, by its parent's test and site").contains("[WARNING] reap: sample.LeakyTest#leavesAGrandchild() left pid "
                + spawned.get("grandchild")[0] + " 'sleep 600' spawned at sample.Spawned.start(Spawned.java:");
        assertThat(log).as("a setsid daemon, by the tag it kept").contains("[WARNING] reap: sample.LeakyTest#leavesADaemon() left pid "
                + spawned.get("daemon")[0] + " 'sleep 600' spawned at sample.Spawned.daemon(Spawned.java:");
        assertThat(log).as("Failsafe's fork").contains("[WARNING] reap: sample.LeakyIT#leavesAChildAndADaemon() left pid "
                + spawned.get("failsafe-daemon")[0]);
        assertThat(log).as("the warning at the test's end names the daemon too")
                .containsPattern("\\[reap\\] warning: sample.LeakyTest#leavesADaemon\\(\\) finished with 1 process it spawned still alive: pid "
                        + spawned.get("daemon")[0]);
        assertThat(log).contains("reap: 11 processes left behind by the tests, 0 of them needed SIGKILL");
        assertThat(log).contains("BUILD SUCCESS");
        assertThat(build.project().resolve("target/jacoco.exec")).as("JaCoCo's agent ran beside it").exists();
        assertThat(build.files("target/reap", "plugin-build-test-*.json")).hasSize(1);
        assertThat(build.files("target/reap", "plugin-build-it-*.json")).hasSize(1);
    }

    @Test
    void failOnLeakFailsTheBuildNamingTheTestsAndAnnotatesTheirLinesOnGithubActions() throws Exception {
        Path summary = dir.resolve("step-summary.md");
        String log = build.env("GITHUB_ACTIONS", "true").env("GITHUB_STEP_SUMMARY", summary.toString())
                .env("GITHUB_WORKSPACE", build.project().toString())
                .mvn(1, "verify", "-Dreap.failOn=leak", "-Dtest=LeakyTest", "-DskipITs");

        Map<String, long[]> spawned = build.spawned();
        build.nothingSurvives(spawned, log);
        assertThat(log).contains("[WARNING] reap: sample.LeakyTest#leavesAPlainChild() left pid " + spawned.get("plain")[0]);
        assertThat(log).contains("[ERROR] Failed to execute goal dev.reap:reap-maven-plugin:")
                .contains(":check (default) on project plugin-build: reap: 5 processes left behind by the tests")
                .contains("failOn=leak");
        assertThat(log).as("an error annotation at the spawn site's line, in the workspace")
                .containsPattern("(?m)^::error file=src/test/java/sample/Spawned.java,line=\\d+,title=reap%3A a process left behind"
                        + "::sample.LeakyTest#leavesAPlainChild\\(\\) left pid " + spawned.get("plain")[0]);
        assertThat(read(summary)).startsWith("### reap: 5 processes left behind by the tests of plugin-build")
                .contains("| sample.LeakyTest#leavesADaemon() | " + spawned.get("daemon")[0] + " | `sleep 600` |");
    }

    @Test
    void failOnKillFailsTheBuildWhenAProcessNeededSigkill() throws Exception {
        String log = build.mvn(1, "verify", "-Dreap.failOn=kill", "-Dreap.signals=INT,KILL",
                "-Dtest=LeakyTest#leavesAChildIgnoringSigint", "-DskipITs");

        Map<String, long[]> spawned = build.spawned();
        build.nothingSurvives(spawned, log);
        assertThat(log).contains("[WARNING] reap: sample.LeakyTest#leavesAChildIgnoringSigint() left pid " + spawned.get("deaf")[0])
                .contains("ended by SIGKILL")
                .contains("reap: 1 process left behind by the tests, 1 of them needed SIGKILL or survived it")
                .contains("failOn=kill");
    }

    @Test
    void testsThatRanWithoutTheAgentFailTheCheckInsteadOfPassingIt() throws Exception {
        // -DargLine on the command line replaces the argLine prepare-agent set: the forks run without the agent
        String log = build.mvn(1, "verify", "-DargLine=-Xmx256m", "-Dreap.failOn=leak", "-Dtest=LeakyTest#leavesAPlainChild", "-DskipITs");

        Proc.end(pidsOf(build.spawned()));
        assertThat(log).contains("reap: tests ran in this build but no fork wrote a report to ")
                .contains("the agent was not on them").contains("failOn=leak cannot be checked");
    }

    private static java.util.List<Long> pidsOf(Map<String, long[]> spawned) {
        java.util.List<Long> pids = new java.util.ArrayList<>();
        spawned.values().forEach(p -> pids.add(p[0]));
        return pids;
    }

    @Test
    void aMistakeInTheConfigurationFailsTheBuildInOneLineBeforeAnyFork() throws Exception {
        String log = build.mvn(1, "verify", "-Dreap.failOn=sometimes");
        assertThat(log).as("check's parameter, checked by prepare-agent before the tests")
                .contains(":prepare-agent (default) on project plugin-build: reap: failOn='sometimes' is not one of never, kill, leak")
                .doesNotContain("T E S T S");

        log = build.mvn(1, "verify", "-Dreap.scope=tests", "-Dreap.grce=5s");
        assertThat(log).as("a misspelt property reaches nothing: said once per goal")
                .contains("[WARNING] reap: -Dreap.grce names nothing of reap-agent's or its plugin's: did you mean -Dreap.grace?");
        assertThat(log).contains("[ERROR] Failed to execute goal dev.reap:reap-maven-plugin:")
                .contains(":prepare-agent (default) on project plugin-build: reap: invalid reap.scope='tests'"
                        + " (from the plugin's parameter scope): expected one of jvm, test");
        assertThat(log).as("no fork started").doesNotContain("T E S T S");

        Path pom = build.project().resolve("pom.xml");
        Files.write(pom, new String(Files.readAllBytes(pom), StandardCharsets.UTF_8).replace("<grace>2s</grace>", "<grce>2s</grce>")
                .getBytes(StandardCharsets.UTF_8));
        log = build.mvn(1, "verify");
        assertThat(log).contains("reap-maven-plugin has no parameter <grce>: did you mean <grace>?");
        assertThat(log).as("no fork started").doesNotContain("T E S T S");
    }

    @Test
    void surefire222ShowsTheLeaksItsForksCouldNotPrintAndFailsOnThem() throws Exception {
        String log = build.mvn(1, "verify", "-Dsurefire.version=2.22.2", "-Djunit.version=5.4.2", "-Dreap.failOn=leak");

        Map<String, long[]> spawned = build.spawned();
        assertThat(spawned).containsKeys("plain", "daemon", "failsafe");
        build.nothingSurvives(spawned, log);
        assertThat(log).contains("maven-surefire-plugin:2.22.2:test");
        assertThat(log).contains("[WARNING] reap: sample.LeakyTest#leavesADaemon() left pid " + spawned.get("daemon")[0]);
        assertThat(log).contains("[WARNING] reap: sample.LeakyIT#leavesAChildAndADaemon() left pid " + spawned.get("failsafe")[0]);
        assertThat(log).contains("failOn=leak");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"junit4", "testng"})
    void suitesThatReportNoTestPlanGetTheirLeaksNamedToo(String runner) throws Exception {
        SampleBuild suite = SampleBuild.of("junit4-build", null, dir.resolve(runner), mark);
        String log = runner.equals("testng") ? suite.mvn(0, "verify", "-Ptestng") : suite.mvn(0, "verify");

        Map<String, long[]> spawned = suite.spawned();
        assertThat(spawned).containsKeys(runner + "-child", runner + "-daemon");
        suite.nothingSurvives(spawned, log);
        String test = runner.equals("testng") ? "sample.LeakyTestNGTest" : "sample.LeakyJUnit4Test";
        String file = test.substring("sample.".length()) + ".java:";
        assertThat(log).contains("[WARNING] reap: " + test + "#leavesAChild() left pid " + spawned.get(runner + "-child")[0]
                + " 'sleep 600' spawned at " + test + ".leavesAChild(" + file);
        assertThat(log).as("a daemon, by the tag its test gave it").contains("[WARNING] reap: " + test + "#leavesADaemon() left pid "
                + spawned.get(runner + "-daemon")[0] + " 'sleep 600' spawned at " + test + ".leavesADaemon(" + file);
    }

    @Test
    void aForkHaltedInTheMiddleOfItsReapFailsTheCheckAndLeavesNothingBehind() throws Exception {
        SampleBuild suite = SampleBuild.of("junit4-build", null, dir.resolve("halted"), mark);
        // Surefire halts the fork 1 s into its exit; the child outlives SIGINT for the whole 3 s grace
        String log = suite.mvn(1, "verify", "-Dtest=StubbornJUnit4Test", "-Dsurefire.exitTimeout=1", "-Dreap.failOn=leak");

        Map<String, long[]> spawned = suite.spawned();
        assertThat(log).contains("Surefire is going to kill self fork JVM");
        // the exit hook's report, written before its ladder, or the watchdog's, which takes the test from it
        assertThat(log).as("named with its test though its JVM was halted").contains("[WARNING] reap: "
                + "sample.StubbornJUnit4Test#leavesAChildThatOutlivesSigint() left pid " + spawned.get("stubborn")[0]).contains("failOn=leak");
        suite.nothingSurvivesWithin(Duration.ofSeconds(15), spawned, log);
    }

    @Test
    void eachModuleOfAParallelBuildChecksItsOwnForks() throws Exception {
        SampleBuild modules = SampleBuild.of("multi-module-build", null, dir.resolve("modules"), mark);
        String log = modules.mvn(1, "verify", "-T", "2", "--fail-at-end", "-Dreap.failOn=leak");

        Map<String, long[]> spawned = modules.spawned();
        modules.nothingSurvives(spawned, log);
        assertThat(log).contains("[WARNING] reap: sample.LeakyModuleTest#leavesAChild() left pid " + spawned.get("module-child")[0])
                .contains(":check (default) on project leaky: reap: 1 process left behind by the tests");
        assertThat(log).as("the clean module's check, beside it").contains("reap: no test left a process behind (1 report)")
                .doesNotContain("on project clean:");
    }

    @Test
    void maven39WithTwoForksThatAreNotReused() throws Exception {
        File mvn = new File(System.getProperty("it.maven39.home", ""), "bin/mvn");
        Assumptions.assumeTrue(mvn.canExecute(), "Maven 3.9 is not unpacked at " + mvn);
        String log = build.with(mvn.getPath()).mvn(0, "-V", "verify", "-DforkCount=2", "-DreuseForks=false", "-DskipITs");

        assertThat(log).contains("Apache Maven 3.9").doesNotContain("[WARNING] Parameter");
        Map<String, long[]> spawned = build.spawned();
        build.nothingSurvives(spawned, log);
        assertThat(log).contains("[WARNING] reap: sample.OtherLeakyTest#leavesADaemon() left pid " + spawned.get("other-daemon")[0]);
        assertThat(build.files("target/reap", "plugin-build-test-*.json")).as("one report per fork").hasSize(4);
    }
}
