package dev.reap.it;

import dev.reap.it.hosts.ZooHost;
import dev.reap.it.support.Cli;
import dev.reap.it.support.Host;
import dev.reap.it.support.HostTest;
import dev.reap.it.support.Jdk;
import dev.reap.it.support.Proc;
import dev.reap.it.support.Zoo;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code attach}: a JVM started without the agent spawns children and grandchildren, the agent is
 * attached (from a CLI on the same JDK or the other one), the JVM spawns more, and however it ends,
 * nothing survives it. Mistakes get one line and their exit status, and leave the target untouched.
 */
class AttachTest extends HostTest {
    /** What a JVM spawned before attach: a {@code setsid} daemon would have left the tree already. */
    private static final List<String> BEFORE = List.of("plain", "deaf", "recorder", "grandchild", "jvm");
    private static final List<String> AFTER = List.of("plain", "recorder", "grandchild", "daemon");
    private static final String JEP_451_WARNING = "A Java agent has been loaded dynamically";

    static Stream<Arguments> ends() {
        List<Arguments> cases = new ArrayList<>();
        for (int target : Jdk.WANTED) {
            int other = Jdk.WANTED.stream().filter(j -> j != target).findFirst().orElse(target);
            cases.add(Arguments.of(target, other, "exit"));
            cases.add(Arguments.of(target, target, "SIGTERM"));
            cases.add(Arguments.of(target, target, "SIGKILL"));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "JDK {0} target, CLI on JDK {1}, {2}")
    @MethodSource("ends")
    void nothingTheAttachedJvmSpawnedOutlivesIt(int targetMajor, int cliMajor, String end) throws Exception {
        Jdk cliJdk = Jdk.require(cliMajor);
        List<String> args = new ArrayList<>(List.of(end.equals("exit") ? "return" : "wait", dir.toString()));
        args.addAll(BEFORE);
        Host host = host(Jdk.require(targetMajor)).start(ZooHost.class, args.toArray(new String[0]));
        Zoo zoo = Zoo.ready(host, dir, BEFORE);

        Cli attach = Cli.runOn(cliJdk.java(), dir, mark, "attach", Long.toString(host.pid()), "grace=2s");

        assertThat(attach.status).as("%s", attach).isZero();
        assertThat(attach.out).containsPattern("attached to JVM " + host.pid() + " \\(.*ZooHost, Java "
                + targetMajor + "[^)]*\\) in \\d+ ms: session " + host.pid() + "-\\d+-[0-9a-f]{12}; adopted \\d+ processes spawned before attach");
        zoo.more(AFTER);
        if (end.equals("SIGKILL")) {
            assertThat(eventually(Duration.ofSeconds(10), () -> !Proc.withCommandLineContaining(
                    "dev.reap.agent.watchdog.WatchdogMain " + host.pid() + "-").isEmpty()))
                    .as("adopted processes start the watchdog at once; stderr:%n%s", host.stderr()).isTrue();
        }

        int status = end(host, end);

        assertThat(status).as("stderr:%n%s", host.stderr()).isEqualTo(end.equals("exit") ? 0 : end.equals("SIGTERM") ? 143 : 137);
        zoo.allEndWithin(Duration.ofSeconds(5));
        zoo.sigintCameFirst();
        assertThat(eventually(Duration.ofSeconds(5), () -> host.stderr().contains("spawned before attach")))
                .as("the summary names what was adopted; stderr:%n%s", host.stderr()).isTrue();
    }

    @Test
    void onJava25TheJep451WarningAppearsOnlyWithoutTheFlag() throws Exception {
        Jdk jdk = Jdk.require(25);
        Host plain = host(jdk).start(ZooHost.class, "return", dir.toString(), "plain");
        Path quietDir = Files.createDirectory(dir.resolve("quiet"));
        Host quiet = host(jdk).jvmOption("-XX:+EnableDynamicAgentLoading")
                .start(ZooHost.class, "return", quietDir.toString(), "plain");
        Zoo plainZoo = Zoo.ready(plain, dir, List.of("plain"));
        Zoo quietZoo = Zoo.ready(quiet, quietDir, List.of("plain"));

        Cli warned = Cli.run(dir, mark, "attach", Long.toString(plain.pid()));
        Cli unwarned = Cli.run(dir, mark, "attach", Long.toString(quiet.pid()));

        assertThat(warned.status).as("%s", warned).isZero();
        assertThat(unwarned.status).as("%s", unwarned).isZero();
        assertThat(warned.err).as("the CLI says so before attaching").contains("JEP 451").contains("-javaagent");
        assertThat(unwarned.err).isEmpty();
        assertThat(eventually(Duration.ofSeconds(5), () -> plain.stderr().contains("[reap] attached"))).isTrue();
        assertThat(eventually(Duration.ofSeconds(5), () -> quiet.stderr().contains("[reap] attached"))).isTrue();
        assertThat(plain.stderr()).contains(JEP_451_WARNING);
        assertThat(quiet.stderr()).doesNotContain(JEP_451_WARNING);
        for (Host host : List.of(plain, quiet)) {
            host.send("go");
            assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();
        }
        plainZoo.allEndWithin(Duration.ofSeconds(5));
        quietZoo.allEndWithin(Duration.ofSeconds(5));
    }

    @Test
    void attachingTwiceOrToAJavaagentJvmIsAHarmlessNoOp() throws Exception {
        Jdk jdk = Jdk.current();
        Host attached = host(jdk).start(ZooHost.class, "return", dir.toString(), "plain");
        Path agentDir = Files.createDirectory(dir.resolve("agent"));
        Host withAgent = host(jdk).agent().start(ZooHost.class, "return", agentDir.toString(), "plain");
        Zoo zoo = Zoo.ready(attached, dir, List.of("plain"));
        Zoo agentZoo = Zoo.ready(withAgent, agentDir, List.of("plain"));

        Cli first = Cli.run(dir, mark, "attach", Long.toString(attached.pid()));
        Cli second = Cli.run(dir, mark, "attach", Long.toString(attached.pid()), "grace=1s");
        Cli toJavaagent = Cli.run(dir, mark, "attach", Long.toString(withAgent.pid()));

        assertThat(first.status).as("%s", first).isZero();
        assertThat(second.status).as("%s", second).isZero();
        assertThat(second.out).contains("is already loaded in JVM " + attached.pid()).contains("nothing to do");
        assertThat(toJavaagent.status).as("%s", toJavaagent).isZero();
        assertThat(toJavaagent.out).contains("is already loaded in JVM " + withAgent.pid());
        for (Host host : List.of(attached, withAgent)) {
            host.send("go");
            assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();
        }
        zoo.allEndWithin(Duration.ofSeconds(5));
        agentZoo.allEndWithin(Duration.ofSeconds(5));
        assertThat(attached.stderr().split("\\[reap\\] attached", -1)).as("one attach took effect; stderr:%n%s",
                attached.stderr()).hasSize(2);
        assertThat(withAgent.stderr()).doesNotContain("[reap] attached");
    }

    @Test
    void listShowsTheJvmsThatCanBeAttachedAndWhetherTheAgentIsIn() throws Exception {
        Jdk jdk = Jdk.current();
        Host bare = host(jdk).start(ZooHost.class, "return", dir.toString());
        Host withAgent = host(jdk).agent().start(ZooHost.class, "return", dir.toString());
        Host closed = host(jdk).jvmOption("-XX:+DisableAttachMechanism").start(ZooHost.class, "return", dir.toString());
        try {
            for (Host host : List.of(bare, withAgent, closed)) {
                host.linesUntil("ready", Duration.ofSeconds(30));
            }

            Cli list = Cli.run(dir, mark, "attach", "--list");
            Cli alias = Cli.run(dir, mark, "list");

            assertThat(list.status).as("%s", list).isZero();
            assertThat(list.out).containsPattern("(?m)^PID +JAVA +AGENT +MAIN$")
                    .containsPattern("(?m)^" + bare.pid() + " +" + jdk.major() + "[.0-9]* +- +dev.reap.it.hosts.ZooHost$")
                    .containsPattern("(?m)^" + withAgent.pid() + " +" + jdk.major() + "[.0-9]* +loaded +dev.reap.it.hosts.ZooHost$")
                    .doesNotContain(Long.toString(closed.pid()));
            assertThat(alias.out).contains(Long.toString(bare.pid()));
        } finally {
            for (Host host : List.of(bare, withAgent, closed)) {
                host.send("go");
                host.awaitExit(Duration.ofSeconds(30));
            }
        }
    }

    @Test
    void badOptionsAndTargetsGetOneLineAndTheTargetIsUntouched() throws Exception {
        Jdk jdk = Jdk.find(25).orElse(Jdk.current());
        Host target = host(jdk).start(ZooHost.class, "return", dir.toString(), "plain");
        Path closedDir = Files.createDirectory(dir.resolve("closed"));
        Host closed = host(jdk).jvmOption("-XX:+DisableAttachMechanism").start(ZooHost.class, "return", closedDir.toString());
        Zoo zoo = Zoo.ready(target, dir, List.of("plain"));
        closed.linesUntil("ready", Duration.ofSeconds(30));
        String pid = Long.toString(target.pid());
        try {
            expectRefusal(2, "grace", "attach", pid, "grace=soon");
            expectRefusal(2, "graze", "attach", pid, "graze=1s");
            expectRefusal(2, "is not a PID", "attach", "12ab");
            expectRefusal(2, "no PID given", "attach");
            expectRefusal(2, "no process", "attach", Long.toString(exitedPid()));
            expectRefusal(2, "is not a JVM", "attach", Long.toString(zoo.alive().get(0)));
            expectRefusal(1, "-XX:+DisableAttachMechanism", "attach", Long.toString(closed.pid()));

            assertThat(target.stderr()).as("the target was never touched").doesNotContain("[reap]").doesNotContain("WARNING");
            assertThat(closed.stdout()).as("no SIGQUIT thread dump").noneMatch(line -> line.contains("Full thread dump"));
            assertThat(closed.alive()).isTrue();
        } finally {
            for (Host host : List.of(target, closed)) {
                host.send("go");
                host.awaitExit(Duration.ofSeconds(30));
            }
            zoo.endSurvivors();
        }
    }

    @Test
    void aJvmInAnotherPidNamespaceIsRefusedWithTheWayToDoIt() throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/unshare").canExecute(), "no unshare on this machine");
        ProcessBuilder builder = new ProcessBuilder("/usr/bin/unshare", "--pid", "--fork", "--mount-proc",
                Jdk.current().java(), "-cp", System.getProperty("it.hosts", "target/test-classes"),
                ZooHost.class.getName(), "return", dir.toString());
        builder.environment().put(MARK, mark);
        builder.redirectError(dir.resolve("unshare.err").toFile());
        Process unshare = builder.start();
        try {
            String first = new String(unshare.getInputStream().readNBytes(5));
            Assumptions.assumeTrue(first.equals("ready"), "unshare --pid is not permitted here: " + read(dir.resolve("unshare.err")));
            long jvm = unshare.children().findFirst().orElseThrow().pid();

            expectRefusal(2, "another PID namespace", "attach", Long.toString(jvm));
        } finally {
            // the namespace's first process is its init: when it dies, the kernel ends the rest
            Proc.endAll(List.of(unshare));
            unshare.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anotherUsersJvmIsRefusedWithTheWayToDoIt() throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/setpriv").canExecute(), "no setpriv on this machine");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run the CLI as another user");
        Host target = host(Jdk.current()).start(ZooHost.class, "return", dir.toString());
        try {
            target.linesUntil("ready", Duration.ofSeconds(30));
            Path err = dir.resolve("nobody.err");
            ProcessBuilder builder = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    Jdk.current().java(), "-Djava.io.tmpdir=/tmp", "-XX:-UsePerfData", "-jar",
                    Host.AGENT_JAR.toAbsolutePath().toString(), "attach", Long.toString(target.pid()));
            builder.environment().put(MARK, mark);
            builder.redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Process cli = builder.start();
            assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();

            assertThat(cli.exitValue()).as("stderr: %s", read(err)).isEqualTo(2);
            assertThat(read(err)).contains("belongs to user root").contains("sudo -u root");
            assertThat(read(err).lines()).hasSize(1);
        } finally {
            target.send("go");
            target.awaitExit(Duration.ofSeconds(30));
        }
    }

    @Test
    void theCliAttachesFromAJreWithoutTheAttachModule() throws Exception {
        Path jre = jre();
        Host host = host(Jdk.current()).start(ZooHost.class, "return", dir.toString(), "plain");
        Zoo zoo = Zoo.ready(host, dir, List.of("plain"));

        Cli attach = Cli.runOn(jre.resolve("bin/java").toString(), dir, mark, "attach", Long.toString(host.pid()));

        assertThat(attach.status).as("%s", attach).isZero();
        assertThat(attach.out).contains("adopted 1 process spawned before attach");
        host.send("go");
        assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();
        zoo.allEndWithin(Duration.ofSeconds(5));
    }

    /** A runtime of the current JDK without {@code jdk.attach}, as a JRE has; built once per build. */
    private static synchronized Path jre() throws IOException, InterruptedException {
        Path jre = Paths.get("target", "it-jre-" + Jdk.current().major()).toAbsolutePath();
        if (Files.isExecutable(jre.resolve("bin/java"))) {
            return jre;
        }
        Path jlink = Jdk.current().home().resolve("bin/jlink");
        Assumptions.assumeTrue(Files.isExecutable(jlink), "no jlink in " + Jdk.current());
        Process p = new ProcessBuilder(jlink.toString(), "--add-modules", "java.base,java.instrument,jdk.unsupported",
                "--no-header-files", "--no-man-pages", "--output", jre.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("jlink: %s", output).isZero();
        Process modules = new ProcessBuilder(jre.resolve("bin/java").toString(), "--list-modules").start();
        assertThat(new String(modules.getInputStream().readAllBytes())).doesNotContain("jdk.attach");
        return jre;
    }

    private void expectRefusal(int status, String saying, String... args) throws Exception {
        Cli cli = Cli.run(dir, mark, args);
        assertThat(cli.status).as("%s", cli).isEqualTo(status);
        assertThat(cli.err).as("%s", cli).contains(saying).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(cli.err.lines()).as("one line: %s", cli).hasSize(1);
        assertThat(cli.out).isEmpty();
    }

    /** A PID that just ended (and is not reused this soon). */
    private static long exitedPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    private static int end(Host host, String end) throws Exception {
        host.send("go");
        if (end.equals("SIGTERM")) {
            host.signal("TERM");
        } else if (end.equals("SIGKILL")) {
            host.signal("KILL");
        }
        return host.awaitExit(Duration.ofSeconds(30));
    }
}
