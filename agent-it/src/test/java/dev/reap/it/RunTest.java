package dev.reap.it;

import dev.reap.it.support.Cgroups;
import dev.reap.it.support.Cli;
import dev.reap.it.support.Host;
import dev.reap.it.support.HostTest;
import dev.reap.it.support.Jdk;
import dev.reap.it.support.Proc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code run [key=value ...] -- COMMAND}: any command in a session of its own, its status passed through, its leftovers ended. */
class RunTest extends HostTest {
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void endRuns() {
        Proc.endAll(started);
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void whatTheCommandLeftEndsAndItsStatusPassesThrough(int major) throws Exception {
        Path daemon = dir.resolve("daemon");
        Cli run = Cli.runOn(Jdk.require(major).java(), dir, mark, "run", "grace=1s", "--", "sh", "-c",
                "sleep 600 & setsid sleep 600 & echo $! > " + daemon + "; echo \"tag $REAP_AGENT_SESSIONS\"; exit 3");
        assertThat(run.status).as("%s", run).isEqualTo(3);
        assertThat(run.out).as("the command's output, and its tag").containsPattern("tag [0-9]+-[0-9]+-[0-9a-f]{12}\n");
        assertThat(run.err).contains("reaped 2 processes");
        long setsid = Long.parseLong(read(daemon).trim());
        assertThat(eventually(Duration.ofSeconds(5), () -> gone(setsid))).as("the setsid daemon").isTrue();
    }

    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"TERM", "INT"})
    void aSignalToTheRunIsPassedOnToTheCommand(String signal) throws Exception {
        Path got = dir.resolve("got");
        Process run = start("run", "--", "sh", "-c", "trap 'echo " + signal + " > " + got + "; exit 7' " + signal
                + "; sleep 600 & echo ready; wait");
        BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("ready");
        new ProcessBuilder("kill", "-" + signal, Long.toString(run.pid())).start().waitFor();

        assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as("the command's status; stderr:%n%s", stderr()).isEqualTo(7);
        assertThat(read(got).trim()).isEqualTo(signal);
        assertThat(Proc.withEnvironment(MARK, mark)).as("the command's sleep was reaped").isEmpty();
    }

    @Test
    void whenTheRunIsKilledTheWatchdogEndsTheCommand() throws Exception {
        Process run = start("run", "--", "sh", "-c", "setsid sleep 600 & echo ready; exec sleep 600");
        BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("ready");
        assertThat(eventually(Duration.ofSeconds(10), () -> Proc.withCommandLineContaining("WatchdogMain").stream()
                .anyMatch(pid -> String.valueOf(Proc.environmentVariable(pid, MARK)).equals(mark))))
                .as("the run's watchdog started").isTrue();
        run.destroyForcibly().waitFor();
        assertThat(eventually(Duration.ofSeconds(15), () -> Proc.withEnvironment(MARK, mark).isEmpty()))
                .as("left: %s", Proc.withEnvironment(MARK, mark)).isTrue();
    }

    @Test
    void anEnvClearedDaemonOfTheCommandEndsInTheCgroup() throws Exception {
        String why = Cgroups.unusable();
        Assumptions.assumeTrue(why == null, () -> "skipped: " + why);
        Path daemon = dir.resolve("daemon");
        Cli run = Cli.run(dir, mark, "run", "cgroup=on", "--", "sh", "-c", "env -i setsid sh -c 'sleep 600 & echo $! > "
                + daemon + ".tmp && mv " + daemon + ".tmp " + daemon + "' & while [ ! -f " + daemon + " ]; do :; done");
        long pid = Long.parseLong(read(daemon).trim());
        try {
            assertThat(run.status).as("%s", run).isZero();
            assertThat(eventually(Duration.ofSeconds(5), () -> gone(pid))).as("%s", run).isTrue();
            assertThat(run.err).contains("found in the session's cgroup");
        } finally {
            Proc.end(List.of(pid));
        }
    }

    @Test
    void mistakesGetOneLine() throws Exception {
        for (String[] args : List.of(new String[] {"run", "true"}, new String[] {"run", "--"},
                new String[] {"run", "grace=forever", "--", "true"}, new String[] {"run", "gracefully", "--", "true"})) {
            Cli run = Cli.run(dir, mark, args);
            assertThat(run.status).as("%s", run).isEqualTo(2);
            assertThat(run.err.trim().split("\n")).as("%s", run).hasSize(1);
            assertThat(run.err).startsWith("reap-agent run: ");
        }
        Cli missing = Cli.run(dir, mark, "run", "--", "/no/such/command");
        assertThat(missing.status).as("%s", missing).isEqualTo(127);
        assertThat(missing.err).startsWith("reap-agent run: cannot run '/no/such/command'");
        Cli help = Cli.run(dir, mark, "run", "--help");
        assertThat(help.status).isZero();
        assertThat(help.out).contains("usage: java -jar reap-agent.jar run");
    }

    /** Ended, and its zombie reaped by whoever adopted it. */
    private static boolean gone(long pid) {
        return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }

    @Test
    void cgroupOnWithoutAWritableCgroupRunsNothing() throws Exception {
        Assumptions.assumeTrue(Cgroups.unusable() == null && Files.isExecutable(Path.of("/usr/bin/unshare"))
                && "root".equals(System.getProperty("user.name")), "skipped: needs root, unshare and a cgroup v2");
        Path ran = dir.resolve("ran");
        ProcessBuilder builder = new ProcessBuilder("unshare", "-m", "sh", "-c",
                "mount -o remount,bind,ro " + Cgroups.mount() + " && exec \"$@\"", "sh", Jdk.current().java(), "-jar",
                Host.AGENT_JAR.toString(), "run", "cgroup=on", "--", "touch", ran.toString())
                .redirectError(dir.resolve("stderr").toFile());
        builder.environment().put(MARK, mark);
        Process run = builder.start();
        started.add(run);
        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as("stderr:%n%s", stderr()).isEqualTo(2);
        assertThat(stderr().trim().split("\n")).hasSize(1);
        assertThat(stderr()).startsWith("reap-agent run: reap.cgroup=on, but ");
        assertThat(Files.exists(ran)).as("the command did not run").isFalse();
    }

    private Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Jdk.current().java(), "-jar", Host.AGENT_JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(dir.resolve("stderr").toFile());
        builder.environment().put(MARK, mark);
        Process p = builder.start();
        started.add(p);
        return p;
    }

    private String stderr() {
        return read(dir.resolve("stderr"));
    }
}
