package dev.reap.it;

import dev.reap.it.hosts.EscapeHost;
import dev.reap.it.support.Cgroups;
import dev.reap.it.support.Host;
import dev.reap.it.support.HostTest;
import dev.reap.it.support.Jdk;
import dev.reap.it.support.Proc;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code reap.cgroup}: a daemon that clears its environment ({@code env -i}, no tag) and leaves the
 * tree ({@code setsid}, its parent gone at once) is still the session's, because it was born in
 * the session's cgroup. It ends after a normal exit, after {@code kill -9} (the watchdog), and at
 * the next JVM's start-up sweep when there was no watchdog; the session's cgroup is removed.
 */
class CgroupTest extends HostTest {
    private static final Duration AFTER_THE_JVM = Duration.ofSeconds(15);

    @BeforeEach
    void needsACgroup() {
        String why = Cgroups.unusable();
        Assumptions.assumeTrue(why == null, () -> "skipped: " + why);
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void anEnvClearedDaemonEndsWithANormalExit(int major) throws Exception {
        daemonEnds(host(Jdk.require(major)).agent("cgroup=on,log=debug").start(EscapeHost.class, "env-cleared",
                dir.toString()), false);
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void anEnvClearedDaemonEndsWhenItsJvmIsKilled(int major) throws Exception {
        daemonEnds(host(Jdk.require(major)).agent("cgroup=on,log=debug").start(EscapeHost.class, "env-cleared",
                dir.toString()), true);
    }

    /** The host's daemon, with no tag and out of the tree, ends with it (or after its {@code kill -9}); so does its cgroup. */
    private void daemonEnds(Host host, boolean killed) throws Exception {
        long daemon = host.spawned().get("daemon");
        long ticks = Proc.startTicks(daemon);
        try {
            Path cgroup = Cgroups.dirOf(daemon);
            assertThat(Proc.environmentVariable(daemon, "REAP_AGENT_SESSIONS")).as("no tag").isNull();
            assertThat(ProcessHandle.of(daemon).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                    .as("out of the tree").isNotEqualTo(java.util.Optional.of(host.pid()));
            assertThat(cgroup.getFileName().toString()).startsWith("reap-" + host.pid() + "-");
            assertThat(Cgroups.dirOf(host.pid())).as("the JVM is in its session's cgroup").isEqualTo(cgroup);
            if (killed) {
                // the look saw it, so the watchdog stays for it although the JVM has no child left
                assertThat(eventually(Duration.ofSeconds(10), () -> host.stderr().contains("told the watchdog")))
                        .as("stderr:%n%s", host.stderr()).isTrue();
                host.signal("KILL");
            } else {
                host.send("go");
            }
            host.awaitExit(Duration.ofSeconds(30));

            assertThat(eventually(killed ? AFTER_THE_JVM : Duration.ZERO, () -> !Proc.alive(daemon, ticks)))
                    .as("the daemon; stderr:%n%s", host.stderr()).isTrue();
            String said = killed ? "watchdog: JVM " + host.pid() : "found in the session's cgroup";
            assertThat(eventually(Duration.ofSeconds(5), () -> host.stderr().contains(said)))
                    .as("stderr:%n%s", host.stderr()).isTrue();
            assertThat(eventually(Duration.ofSeconds(5), () -> !Files.exists(cgroup)))
                    .as("the session's cgroup %s is removed", cgroup).isTrue();
        } finally {
            Proc.end(List.of(daemon));
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void whatReapExcludeSparesIsMovedOutOfTheCgroupAndLeftAlone(int major) throws Exception {
        Host host = host(Jdk.require(major)).agent("cgroup=on,exclude=^sleep 600$").start(EscapeHost.class,
                "env-cleared", dir.toString());
        long daemon = host.spawned().get("daemon");
        long ticks = Proc.startTicks(daemon);
        try {
            Path cgroup = Cgroups.dirOf(daemon);
            host.send("go");
            assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(Proc.alive(daemon, ticks)).as("excluded; stderr:%n%s", host.stderr()).isTrue();
            assertThat(Files.exists(cgroup)).as("the session's cgroup is removed all the same").isFalse();
            assertThat(Cgroups.dirOf(daemon)).as("out of reach of a later sweep: back in the JVM's own cgroup")
                    .isEqualTo(Cgroups.dirOf(ProcessHandle.current().pid()));
        } finally {
            Proc.end(List.of(daemon));
        }
    }

    /**
     * A process older than the session that root (or the user) moves into the session's cgroup is
     * not the session's: neither the exit's {@code cgroup.kill} (the daemon ignores INT and TERM, so
     * the KILL rung comes) nor the watchdog after {@code kill -9} touches it, and it is not moved.
     */
    @ParameterizedTest(name = "killed={0}")
    @ValueSource(booleans = {false, true})
    void aProcessOlderThanTheSessionMovedIntoItsCgroupIsNeverTouched(boolean killed) throws Exception {
        ProcessBuilder older = new ProcessBuilder("sleep", "600");
        older.environment().put(MARK, mark);
        Process old = older.start();
        Host host = host(Jdk.current()).agent("cgroup=on,grace=200ms,log=debug").start(EscapeHost.class, "env-cleared",
                dir.toString(), "trap \"\" INT TERM; exec sleep 600");
        long daemon = host.spawned().get("daemon");
        long ticks = Proc.startTicks(daemon);
        Path cgroup = Cgroups.dirOf(daemon);
        Path ours = Cgroups.dirOf(ProcessHandle.current().pid());
        try {
            if (killed) {
                assertThat(eventually(Duration.ofSeconds(10), () -> host.stderr().contains("told the watchdog")))
                        .as("the watchdog is up for the daemon; stderr:%n%s", host.stderr()).isTrue();
            }
            Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(old.pid()));
            assertThat(Cgroups.dirOf(old.pid())).isEqualTo(cgroup);
            if (killed) {
                // two looks (250 ms apart) after the move, in which the agent must tell the watchdog
                // nothing of it: an absence, which no event marks
                Thread.sleep(600);
                host.signal("KILL");
            } else {
                host.send("go");
            }
            host.awaitExit(Duration.ofSeconds(30));
            assertThat(eventually(AFTER_THE_JVM, () -> !Proc.alive(daemon, ticks)))
                    .as("the session's stubborn daemon; stderr:%n%s", host.stderr()).isTrue();
            String said = killed ? "watchdog: JVM " + host.pid() : "reaped 1 process";
            assertThat(eventually(Duration.ofSeconds(5), () -> host.stderr().contains(said)))
                    .as("stderr:%n%s", host.stderr()).isTrue();
            assertThat(old.isAlive()).as("the older process; stderr:%n%s", host.stderr()).isTrue();
            assertThat(host.stderr()).doesNotContain("] cgroup.kill of");
            assertThat(Cgroups.dirOf(old.pid())).as("not moved by the agent").isEqualTo(cgroup);
        } finally {
            if (old.isAlive()) {
                Files.writeString(ours.resolve("cgroup.procs"), Long.toString(old.pid()));
            }
            old.destroyForcibly().waitFor();
            Proc.end(List.of(daemon));
            eventually(Duration.ofSeconds(5), () -> cgroup.toFile().delete() || !Files.exists(cgroup));
        }
    }

    /**
     * Cgroups named like sessions that cannot be judged from here (another namespace's view): the
     * sweep removes an empty one once it is a minute old, touching no process; it leaves a fresh
     * empty one (a live session about to move in) and one holding a process, which it neither
     * signals nor moves.
     */
    @org.junit.jupiter.api.Test
    void theSweepRemovesOldEmptyCgroupsItCannotJudgeAndTouchesNoProcess() throws Exception {
        Path base = Cgroups.dirOf(ProcessHandle.current().pid());
        Path oldEmpty = Files.createDirectory(base.resolve("reap-77-88-aaaaaaaaaaaa"));
        Path freshEmpty = Files.createDirectory(base.resolve("reap-77-89-aaaaaaaaaaaa"));
        Path holding = Files.createDirectory(base.resolve("reap-77-90-aaaaaaaaaaaa"));
        ProcessBuilder builder = new ProcessBuilder("sleep", "600");
        builder.environment().put(MARK, mark);
        Process sleep = builder.start();
        try {
            Files.writeString(holding.resolve("cgroup.procs"), Long.toString(sleep.pid()));
            java.nio.file.attribute.FileTime twoMinutesAgo = java.nio.file.attribute.FileTime.fromMillis(
                    System.currentTimeMillis() - 120_000);
            Files.setLastModifiedTime(oldEmpty, twoMinutesAgo);
            Files.setLastModifiedTime(holding, twoMinutesAgo);

            dev.reap.it.support.Cli sweep = dev.reap.it.support.Cli.run(dir, mark, "sweep");

            assertThat(sweep.status).as("%s", sweep).isZero();
            assertThat(Files.exists(oldEmpty)).as("an old empty one").isFalse();
            assertThat(Files.exists(freshEmpty)).as("a fresh empty one").isTrue();
            assertThat(Files.exists(holding)).as("one holding a process").isTrue();
            assertThat(sleep.isAlive()).isTrue();
            assertThat(Cgroups.dirOf(sleep.pid())).isEqualTo(holding);
        } finally {
            if (sleep.isAlive()) {
                Files.writeString(base.resolve("cgroup.procs"), Long.toString(sleep.pid()));
            }
            sleep.destroyForcibly().waitFor();
            for (Path p : List.of(oldEmpty, freshEmpty, holding)) {
                p.toFile().delete();
            }
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void withoutTheCgroupTheDaemonEscapes(int major) throws Exception {
        // the limit the cgroup lifts, as README Limits says: nothing names this daemon as the JVM's
        Host host = host(Jdk.require(major)).agent("cgroup=off").start(EscapeHost.class, "env-cleared", dir.toString());
        long daemon = host.spawned().get("daemon");
        long ticks = Proc.startTicks(daemon);
        try {
            assertThat(Cgroups.dirOf(host.pid())).isEqualTo(Cgroups.dirOf(ProcessHandle.current().pid()));
            host.send("go");
            host.awaitExit(Duration.ofSeconds(30));
            assertThat(Proc.alive(daemon, ticks)).isTrue();
        } finally {
            Proc.end(List.of(daemon));
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void aDeadSessionsCgroupIsSweptByTheNextJvm(int major) throws Exception {
        Jdk jdk = Jdk.require(major);
        Files.createDirectories(dir.resolve("first"));
        Host first = host(jdk).agent("cgroup=on,watchdog=false").start(EscapeHost.class, "env-cleared",
                dir.resolve("first").toString());
        long daemon = first.spawned().get("daemon");
        long ticks = Proc.startTicks(daemon);
        try {
            Path cgroup = Cgroups.dirOf(daemon);
            first.signal("KILL");
            first.awaitExit(Duration.ofSeconds(30));
            assertThat(Proc.alive(daemon, ticks)).as("no watchdog: it outlives its JVM for now").isTrue();

            Files.createDirectories(dir.resolve("second"));
            Host second = host(jdk).agent().start(EscapeHost.class, "env-cleared", dir.resolve("second").toString());
            long next = second.spawned().get("daemon");
            try {
                assertThat(eventually(AFTER_THE_JVM, () -> !Proc.alive(daemon, ticks) && !Files.exists(cgroup)))
                        .as("the start-up sweep ends what the dead session's cgroup %s held, then removes it; stderr:%n%s",
                                cgroup, second.stderr()).isTrue();
                assertThat(second.stderr()).contains("left by dead session " + first.pid() + "-");
                second.send("go");
                second.awaitExit(Duration.ofSeconds(30));
            } finally {
                Proc.end(List.of(next));
            }
        } finally {
            Proc.end(List.of(daemon));
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void onWithoutAWritableCgroupStopsTheJvmInOneLine(int major) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")) && "0".equals(uid()),
                "skipped: a read-only cgroup mount of its own needs root and unshare");
        Path mount = Cgroups.mount();
        Host host = host(Jdk.require(major)).agent("cgroup=on")
                .wrappedIn("unshare", "-m", "sh", "-c", "mount -o remount,bind,ro " + mount + " && exec \"$@\"", "sh")
                .start(EscapeHost.class, "env-cleared", dir.toString());
        assertThat(host.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
        assertThat(host.stderr().trim().split("\n")).as("stderr:%n%s", host.stderr()).hasSize(1);
        assertThat(host.stderr()).startsWith("[reap] error: reap.cgroup=on, but ").contains("not writable");
    }

    private static String uid() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return line.split("\\s+")[2];
            }
        }
        return "";
    }
}
