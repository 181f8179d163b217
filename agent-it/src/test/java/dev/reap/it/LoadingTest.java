package dev.reap.it;

import dev.reap.it.hosts.RetransformHost;
import dev.reap.it.hosts.RetransformingAgent;
import dev.reap.it.hosts.SpawnOnceHost;
import dev.reap.it.hosts.ZooHost;
import dev.reap.it.support.AgentJars;
import dev.reap.it.support.Host;
import dev.reap.it.support.HostTest;
import dev.reap.it.support.Jdk;
import dev.reap.it.support.Proc;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Loading the agent: silent, idempotent, switchable off. */
class LoadingTest extends HostTest {
    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void loadingPrintsNothingAtAll(int major) throws Exception {
        Host host = host(Jdk.require(major)).agent().start(SpawnOnceHost.class);
        assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();
        assertThat(host.stdout()).containsExactly("done 0");
        assertThat(host.stderr()).isEmpty();
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void loadingTwiceIsANoOpTheSecondTime(int major) throws Exception {
        Host host = host(Jdk.require(major))
                .env("JAVA_TOOL_OPTIONS", "-javaagent:" + Host.AGENT_JAR + "=log=debug")
                .agent("log=debug")
                .start(SpawnOnceHost.class);
        assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();
        List<String> stderr = Arrays.asList(host.stderr().split("\n"));
        assertThat(stderr).filteredOn(l -> l.contains("recorded pid")).hasSize(1);
        assertThat(stderr).filteredOn(l -> l.contains("session ") && l.contains(" started")).hasSize(1);
    }

    /**
     * The agent hooks {@code ProcessBuilder} at start-up and then removes its transformer (one left
     * registered slows every later class load); another agent retransforming {@code ProcessBuilder}
     * afterwards must not undo the hook.
     */
    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void hookSurvivesAnotherAgentsRetransformation(int major) throws Exception {
        Host host = host(Jdk.require(major)).agent()
                .jvmOption("-javaagent:" + AgentJars.of(RetransformingAgent.class))
                .start(RetransformHost.class);
        List<String> out = host.linesUntil("ready", Duration.ofSeconds(30));
        assertThat(out.get(0)).isEqualTo("retransformed true");
        long pid = Long.parseLong(out.get(1).split(" ")[1]);
        long ticks = Proc.startTicks(pid);
        try {
            assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(Proc.alive(pid, ticks)).as("the child spawned after the retransformation").isFalse();
            assertThat(host.stderr()).contains("reaped 1 process: 1 on SIGINT")
                    .contains("spawned at " + RetransformHost.class.getName() + ".main(");
        } finally {
            Proc.end(List.of(pid));
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void disabledAgentLeavesChildrenAlive(int major) throws Exception {
        Host host = host(Jdk.require(major)).agent("enabled=false").start(ZooHost.class, "return", dir.toString(), "plain");
        long pid = host.spawnedOne();
        host.send("go");
        long ticks = Proc.startTicks(pid);
        assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();
        try {
            assertThat(eventually(Duration.ofMillis(500), () -> !Proc.alive(pid, ticks)))
                    .as("with reap.enabled=false the child outlives its JVM").isFalse();
            assertThat(host.stderr()).isEmpty();
        } finally {
            Proc.end(List.of(pid));
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void excludedProcessesAreNeverSignalled(int major) throws Exception {
        Host host = host(Jdk.require(major)).agent("exclude=^sleep 600$").start(ZooHost.class, "return", dir.toString(), "plain");
        long pid = host.spawnedOne();
        host.send("go");
        long ticks = Proc.startTicks(pid);
        assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();
        try {
            assertThat(Proc.alive(pid, ticks)).isTrue();
        } finally {
            Proc.end(List.of(pid));
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void exitKeysSetAfterStartUpAreHonoured(int major) throws Exception {
        Host host = exitAfterSetting(major, "reap.signals=TERM,KILL");
        assertThat(read(dir.resolve("recorder")).trim()).isEqualTo("TERM");
        assertThat(host.stderr()).doesNotContain("warning");
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void aBadExitKeySetAfterStartUpKeepsTheStartUpValueWithOneWarning(int major) throws Exception {
        Host host = exitAfterSetting(major, "reap.grace=banana");
        assertThat(read(dir.resolve("recorder")).trim()).isEqualTo("INT");
        assertThat(Arrays.asList(host.stderr().split("\n")))
                .filteredOn(l -> l.contains("invalid reap.grace='banana'") && l.endsWith("using the values read at start-up"))
                .hasSize(1);
    }

    /** A host with a recorder child that sets {@code setting} after premain, as Surefire does, then returns from main. */
    private Host exitAfterSetting(int major, String setting) throws Exception {
        Host host = host(Jdk.require(major)).agent().start(ZooHost.class, "return", dir.toString(), "recorder");
        host.linesUntil("ready", Duration.ofSeconds(30));
        host.send("set " + setting);
        host.linesUntil("ready", Duration.ofSeconds(30));
        host.send("go");
        assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();
        return host;
    }
}
