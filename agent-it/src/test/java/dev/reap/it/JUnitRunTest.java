package dev.reap.it;

import dev.reap.it.hosts.JUnitHost;
import dev.reap.it.support.Cli;
import dev.reap.it.hosts.junit.LeakySamples;
import dev.reap.it.support.Host;
import dev.reap.it.support.HostTest;
import dev.reap.it.support.Jdk;
import dev.reap.it.support.Proc;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In a JUnit run (the Platform launcher, as in a Surefire fork), the agent's listener, found
 * through {@code META-INF/services} in the agent jar, attributes every spawn to the test or class
 * running on its thread: a test that ends with its processes alive is named at that moment
 * ({@code reap.leaks=warn}), or they are reaped there and then ({@code reap.scope=test}); the
 * exit summary and the report name the test.
 */
class JUnitRunTest extends HostTest {
    private static final String SAMPLES = LeakySamples.class.getName();

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void aTestThatLeaksIsNamedWhenItFinishesAndInTheExitSummaryAndReport(int major) throws Exception {
        Path report = dir.resolve("report.json");
        Host host = host(Jdk.require(major)).agent("grace=2s,report=" + report).withJUnit().start(JUnitHost.class, SAMPLES);
        Map<String, Long> pids = run(host);

        assertThat(pids.get("first-test-process-alive")).as("scope=jvm: the leak lives until the JVM ends").isEqualTo(1);
        String stderr = host.stderr();
        assertThat(stderr).contains("[reap] warning: " + SAMPLES + "#leaks() finished with 1 process it spawned still alive: pid "
                + pids.get("test") + " 'sleep 601' spawned at " + SAMPLES + ".leaks(LeakySamples.java:");
        assertThat(stderr).contains("[reap] warning: " + SAMPLES + "#leaksFromAThreadItStarted() finished with 1 process it"
                + " spawned still alive: pid " + pids.get("thread") + " 'sleep 603'");
        assertThat(stderr).contains("[reap] warning: " + SAMPLES + " finished with 1 process it spawned still alive: pid "
                + pids.get("class") + " 'sleep 600' spawned at " + SAMPLES + ".startsAServerForTheClass(LeakySamples.java:");
        assertThat(stderr).doesNotContain("cleansUp");
        assertThat(stderr).as("the grandchild is named with its parent").contains(SAMPLES
                + "#leaksAGrandchild() finished with 2 processes it spawned still alive: pid " + pids.get("shell") + " 'sh -c sleep 604 & wait'"
                + " spawned at " + SAMPLES + ".spawn(LeakySamples.java:").contains("pid " + pids.get("grandchild") + " 'sleep 604' started by pid "
                + pids.get("shell"));
        assertThat(stderr).as("a setsid daemon, by the scope tag it kept, with the site of its test's one spawn").contains(SAMPLES
                + "#leavesADaemon() finished with 1 process it spawned still alive: pid " + pids.get("daemon") + " 'sleep 605' orphaned by a"
                + " spawn at " + SAMPLES + ".spawn(LeakySamples.java:");

        host.send("go");
        assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();
        allEnded(pids);
        assertThat(host.stderr()).containsPattern("\\[reap\\] reaped 6 processes: .*; oldest: pid " + pids.get("class")
                + " 'sleep 600' spawned at " + SAMPLES + ".startsAServerForTheClass\\(LeakySamples.java:\\d+\\) in " + SAMPLES);
        String json = Files.readString(report);
        assertThat(json).contains("\"pid\": " + pids.get("test") + ",").contains("\"test\": \"" + SAMPLES + "#leaks()\"")
                .contains("\"test\": \"" + SAMPLES + "#leaksAGrandchild()\"").contains("\"test\": \"" + SAMPLES + "\"")
                .as("the daemon's test, in the default scope").contains("\"test\": \"" + SAMPLES + "#leavesADaemon()\"");

        Cli summary = Cli.run(dir, mark, "report", report.toString());
        assertThat(summary.status).as("%s", summary).isZero();
        assertThat(summary.out).contains("reaped by exit-hook, 6 processes")
                .containsPattern("(?m)^  " + pids.get("test") + " +SIGINT \\d+ms +" + SAMPLES.replace(".", "\\.") + "#leaks\\(\\) +sleep 601")
                .contains("1 report, 6 processes: 6 ended politely, 0 needed SIGKILL");
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void withScopeTestEachTestsProcessesEndWithIt(int major) throws Exception {
        Path report = dir.resolve("report.json");
        Host host = host(Jdk.require(major)).agent("grace=2s,scope=test,report=" + report).withJUnit()
                .start(JUnitHost.class, SAMPLES);
        Map<String, Long> pids = run(host);

        assertThat(pids.get("first-test-process-alive")).as("the first test's process ended with it; stderr:%n%s",
                host.stderr()).isZero();
        for (String name : List.of("test", "thread", "shell", "grandchild", "daemon", "class")) {
            long pid = pids.get(name);
            long ticks = ticks(pids, name);
            assertThat(eventually(Duration.ofSeconds(2), () -> !Proc.alive(pid, ticks)))
                    .as("%s (pid %d) ended with its test or class, before the JVM; stderr:%n%s", name, pid, host.stderr()).isTrue();
        }
        String stderr = host.stderr();
        assertThat(stderr).contains("[reap] " + SAMPLES + "#leaks() finished: reaped 1 process: 1 on SIGINT");
        assertThat(stderr).contains("[reap] " + SAMPLES + "#leaksAGrandchild() finished: reaped 2 processes");
        assertThat(stderr).contains("[reap] " + SAMPLES + " finished: reaped 1 process");
        assertThat(stderr).as("the setsid daemon, by its scope tag").contains("[reap] " + SAMPLES
                + "#leavesADaemon() finished: reaped 1 process");
        assertThat(stderr).doesNotContain("warning");

        host.send("go");
        assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();
        assertThat(host.stderr()).as("nothing left for the exit hook").doesNotContain("[reap] reaped");
        String json = Files.readString(report);
        assertThat(json).contains("\"test\": \"" + SAMPLES + "#leaks()\"").contains("\"outcome\": \"ended\"");
    }

    /** Runs the samples; their names and PIDs (and first-test-process-alive as 1 or 0). */
    private static Map<String, Long> run(Host host) throws InterruptedException {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String line : host.linesUntil("ready", Duration.ofSeconds(60))) {
            String[] f = line.split(" ");
            if (line.startsWith("run: ")) {
                assertThat(line).as("the samples pass; stderr:%n%s", host.stderr()).isEqualTo("run: 6 passed, 0 failed");
            } else if (f.length == 2 && !line.startsWith("failure")) {
                pids.put(f[0], f[1].equals("true") ? 1L : f[1].equals("false") ? 0L : Long.parseLong(f[1]));
                if (Character.isDigit(f[1].charAt(0))) {
                    pids.put(f[0] + ".ticks", Proc.startTicks(Long.parseLong(f[1])));
                }
            }
        }
        assertThat(pids).containsKeys("class", "test", "thread", "shell", "grandchild", "daemon", "first-test-process-alive");
        return pids;
    }

    private static long ticks(Map<String, Long> pids, String name) {
        return pids.get(name + ".ticks");
    }

    private static void allEnded(Map<String, Long> pids) throws InterruptedException {
        for (String name : List.of("class", "test", "thread", "shell", "grandchild", "daemon")) {
            long pid = pids.get(name);
            long ticks = ticks(pids, name);
            assertThat(eventually(Duration.ofSeconds(5), () -> !Proc.alive(pid, ticks)))
                    .as("%s (pid %d) survived", name, pid).isTrue();
        }
    }
}
