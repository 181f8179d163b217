package dev.reap.it;

import dev.reap.it.hosts.ZooHost;
import dev.reap.it.support.Host;
import dev.reap.it.support.HostTest;
import dev.reap.it.support.Jdk;
import dev.reap.it.support.Proc;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A child that handles both polite signals and never exits gets the full grace on each rung, then KILL. */
class GraceTest extends HostTest {
    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void stubbornChildGetsEachGraceThenKill(int major) throws Exception {
        Host host = host(Jdk.require(major)).agent("grace=1s").start(ZooHost.class, "return", dir.toString(), "stubborn");
        long pid = host.spawnedOne();
        host.send("go");
        long ticks = Proc.startTicks(pid);
        long readyAt = System.nanoTime();
        assertThat(host.awaitExit(Duration.ofSeconds(20))).isZero();
        long exitMillis = (System.nanoTime() - readyAt) / 1_000_000;

        assertThat(Proc.alive(pid, ticks)).as("killed after the ladder").isFalse();
        List<String> seen = Files.readAllLines(dir.resolve("stubborn"));
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).startsWith("INT ");
        assertThat(seen.get(1)).startsWith("TERM ");
        long intToTermMillis = (nanos(seen.get(1)) - nanos(seen.get(0))) / 1_000_000;
        assertThat(intToTermMillis).as("the INT rung's full grace").isGreaterThanOrEqualTo(950);
        assertThat(exitMillis).as("two graces before KILL").isGreaterThanOrEqualTo(2_000);
        // with the sleeps it forked meanwhile, each found by the look after a rung
        assertThat(host.stderr()).containsPattern("[0-9]+ on SIGKILL after 2");
    }

    /**
     * Surefire halts a fork whose exit outlasts its forkedProcessExitTimeoutInSeconds, and a CI
     * runner may kill -9 a slow one: a reap cut short in its first rung leaves nothing behind, as
     * the after-exit watch, started once the reap turned slow, covers the rest. The child is too
     * young at the exit for the watchdog to have been started for it.
     */
    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void aJvmKilledInTheFirstRungOfItsExitLadderLeavesNothingBehind(int major) throws Exception {
        Host host = host(Jdk.require(major)).agent("grace=1s,log=debug").start(ZooHost.class, "return", dir.toString(), "stubborn");
        long pid = host.spawnedOne();
        long ticks = Proc.startTicks(pid);
        host.send("go");
        // the reap turned slow (the child outlasted 100 ms of its SIGINT grace): the after-exit watch starts
        assertThat(eventually(Duration.ofSeconds(10), () -> host.stderr().contains("watchdog started")))
                .as("stderr:%n%s", host.stderr()).isTrue();
        assertThat(host.stderr()).as("still in the first rung").doesNotContain("sending SIGTERM");
        ProcessHandle.of(host.pid()).ifPresent(ProcessHandle::destroyForcibly);
        host.awaitExit(Duration.ofSeconds(5));

        assertThat(eventually(Duration.ofSeconds(15), () -> !Proc.alive(pid, ticks)))
                .as("the stubborn child, after its JVM was killed mid-ladder; stderr:%n%s", host.stderr()).isTrue();
    }

    private static long nanos(String line) {
        return Long.parseLong(line.split(" ")[1]);
    }
}
