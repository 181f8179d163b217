package dev.reap.it;

import dev.reap.it.hosts.EscapeHost;
import dev.reap.it.hosts.NativeSpawnHost;
import dev.reap.it.support.Host;
import dev.reap.it.support.HostTest;
import dev.reap.it.support.Jdk;
import dev.reap.it.support.Proc;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What used to escape the exit's one snapshot: spawns during and after the exit (a supervisor, threads
 * spawning through {@code System.exit}, another shutdown hook, a JVM whose first spawn is a hook's),
 * a child forking during its grace, and children spawned by native code (JNA, the FFM API) whose
 * library kills its direct children first. Each case leaves nothing of the host alive.
 */
class EscapesTest extends HostTest {
    /** The after-exit watchdog reaps once the JVM is gone: a JVM's start, a look, a rung. */
    private static final Duration AFTER_THE_JVM = Duration.ofSeconds(15);

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void aSupervisorsRestartedChildEnds(int major) throws Exception {
        exitsLeavingNothing(host(Jdk.require(major)).agent("grace=1s").start(EscapeHost.class, "supervisor"));
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void sixtyFourThreadsSpawningThroughSystemExitLeaveNothing(int major) throws Exception {
        Host host = host(Jdk.require(major)).agent("grace=1s").start(EscapeHost.class, "threads", "64");
        host.linesUntil("ready", Duration.ofSeconds(60));
        host.awaitExit(Duration.ofSeconds(60));
        assertNothingOfTheHostWithin(host, AFTER_THE_JVM);
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void whatAnotherShutdownHookSpawnsEnds(int major) throws Exception {
        exitsLeavingNothing(host(Jdk.require(major)).agent().start(EscapeHost.class, "hook"));
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void anotherShutdownHooksHelpersDoTheirJobWhileTheExitReaps(int major) throws Exception {
        Host host = host(Jdk.require(major)).agent("grace=1s").start(EscapeHost.class, "hook-helpers");
        exitsLeavingNothing(host);
        assertThat(host.stderr()).doesNotContain("helper signalled").doesNotContain("helper failed");
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void aJvmWhoseFirstSpawnIsAShutdownHooksIsReaped(int major) throws Exception {
        exitsLeavingNothing(host(Jdk.require(major)).agent().start(EscapeHost.class, "first-in-hook"));
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void whatAChildForksDuringItsGraceEnds(int major) throws Exception {
        Host host = host(Jdk.require(major)).agent("grace=1s").start(EscapeHost.class, "forker", dir.toString());
        host.linesUntil("ready", Duration.ofSeconds(30));
        host.send("go");
        host.awaitExit(Duration.ofSeconds(30));

        List<Long> forked = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("forked"))) {
            forked.add(Long.parseLong(line.trim()));
        }
        assertThat(forked.size()).as("sleeps forked before the exit's end").isGreaterThan(5);
        // the forker is gone with the JVM: nothing forks any more, nothing may be left
        assertNothingOfTheHostWithin(host, Duration.ofSeconds(3));
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void aJnaSpawnsGrandchildEndsAfterItsLibraryKilledTheChild(int major) throws Exception {
        Host host = host(Jdk.require(major)).agent("log=debug").withLibraries()
                .start(NativeSpawnHost.class, dir.toString());
        nativeSpawnEnds(host, false);
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void aJnaSpawnEndsWhenItsJvmIsKilled(int major) throws Exception {
        Host host = host(Jdk.require(major)).agent("log=debug").withLibraries()
                .start(NativeSpawnHost.class, dir.toString());
        nativeSpawnEnds(host, true);
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void anFfmSpawnsGrandchildEnds(int major) throws Exception {
        Assumptions.assumeTrue(major >= 22, "the FFM API is final from JDK 22");
        nativeSpawnEnds(host(Jdk.require(major)).agent("log=debug").startSource("FfmSpawnHost.java", dir.toString()),
                false);
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void anFfmSpawnEndsWhenItsJvmIsKilled(int major) throws Exception {
        Assumptions.assumeTrue(major >= 22, "the FFM API is final from JDK 22");
        nativeSpawnEnds(host(Jdk.require(major)).agent("log=debug").startSource("FfmSpawnHost.java", dir.toString()),
                true);
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void withNoTraceChildrenCarryNoTagAndAnOrphanKnownByTheLookStillEnds(int major) throws Exception {
        Host host = host(Jdk.require(major)).agent("tag=false,log=debug").start(EscapeHost.class, "orphan",
                dir.toString());
        Map<String, Long> spawned = host.spawned();
        long grandchild = spawned.get("grandchild");
        long ticks = Proc.startTicks(grandchild);
        assertThat(Proc.environmentVariable(spawned.get("child"), "REAP_AGENT_SESSIONS")).as("no trace").isNull();
        assertThat(Proc.environmentVariable(grandchild, "REAP_AGENT_SESSIONS")).isNull();
        assertThat(eventually(Duration.ofSeconds(10), () -> host.stderr().contains("knows pid " + grandchild + " ")))
                .as("the look followed the recorded child's descendants; stderr:%n%s", host.stderr()).isTrue();

        host.send("go");
        host.awaitExit(Duration.ofSeconds(30));

        assertThat(Proc.alive(grandchild, ticks)).as("the orphan, with no tag; stderr:%n%s", host.stderr()).isFalse();
        assertThat(host.stderr()).contains("started by pid " + spawned.get("child") + " spawned at " + EscapeHost.class.getName());
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void aChildOfTheShellThatExecdJavaIsNotTheJvmsToEnd(int major) throws Exception {
        // an entrypoint script: `helper & exec java ...`: the helper becomes the JVM's child, not its spawn
        Host host = host(Jdk.require(major)).agent()
                .wrappedIn("sh", "-c", "sleep 600 & echo $! > " + dir.resolve("helper") + "; exec \"$@\"", "sh")
                .start(dev.reap.it.hosts.ExitHost.class, "1", "sleep");
        long spawned = host.spawnedOne();
        long helper = Long.parseLong(Files.readAllLines(dir.resolve("helper")).get(0).trim());
        long helperTicks = Proc.startTicks(helper);
        assertThat(ProcessHandle.of(helper).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)).hasValue(host.pid());
        try {
            host.awaitExit(Duration.ofSeconds(30));
            assertThat(eventually(Duration.ofSeconds(5), () -> !ProcessHandle.of(spawned).isPresent()
                    || !ProcessHandle.of(spawned).get().isAlive())).as("the JVM's own spawn ends").isTrue();
            assertThat(Proc.alive(helper, helperTicks)).as("the shell's helper lives on; stderr:%n%s", host.stderr())
                    .isTrue();
        } finally {
            Proc.end(List.of(helper));
        }
    }

    /**
     * The host's native child and its grandchild are learnt of while they live (the watchdog told),
     * then the host exits, its library's hook killing the child first, or is killed: neither is left.
     */
    private void nativeSpawnEnds(Host host, boolean killed) throws Exception {
        Map<String, Long> spawned = host.spawned();
        long child = spawned.get("native");
        long grandchild = spawned.get("grandchild");
        long grandchildTicks = Proc.startTicks(grandchild);
        assertThat(eventually(Duration.ofSeconds(10), () -> host.stderr().contains("pid " + grandchild + " 'sleep 600'")
                && host.stderr().contains("told the watchdog")))
                .as("the agent learnt of the native spawn's grandchild; stderr:%n%s", host.stderr()).isTrue();
        if (killed) {
            host.signal("KILL");
        } else {
            host.send("go");
        }
        host.awaitExit(Duration.ofSeconds(30));

        assertThat(eventually(AFTER_THE_JVM, () -> !Proc.alive(grandchild, grandchildTicks)))
                .as("the grandchild (pid %d) of native spawn %d survived; stderr:%n%s", grandchild, child, host.stderr())
                .isTrue();
        if (!killed) {
            assertThat(host.stderr()).contains("a native spawn");
        }
        assertNothingOfTheHostWithin(host, Duration.ofSeconds(3));
    }

    private void exitsLeavingNothing(Host host) throws Exception {
        host.linesUntil("ready", Duration.ofSeconds(30));
        host.send("go");
        assertThat(host.awaitExit(Duration.ofSeconds(30))).as("exit status; stderr:%n%s", host.stderr()).isZero();
        assertNothingOfTheHostWithin(host, AFTER_THE_JVM);
    }

    private void assertNothingOfTheHostWithin(Host host, Duration bound) throws InterruptedException {
        assertThat(eventually(bound, () -> Proc.withEnvironment(MARK, mark).isEmpty()))
                .as("what the host spawned outlived it: %s; stderr:%n%s", Proc.withEnvironment(MARK, mark),
                        host.stderr()).isTrue();
    }
}
