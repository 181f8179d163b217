package dev.reap.it;

import dev.reap.it.hosts.ZooHost;
import dev.reap.it.support.Cli;
import dev.reap.it.support.Host;
import dev.reap.it.support.HostTest;
import dev.reap.it.support.Jdk;
import dev.reap.it.support.Proc;
import dev.reap.it.support.Zoo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.reap.it.support.Watchdogs.awaitWatchdog;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The second promise: nothing that is not ours is ever signalled. A session is judged only where
 * its PIDs and start times mean the same (its PID and time namespace, its boot); a process found
 * by its tag alone must be of the JVM's user.
 */
class NotOursTest extends HostTest {
    private static final String TAG = "REAP_AGENT_SESSIONS";
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void endWhatTheTestStarted() {
        Proc.endAll(started);
    }

    @Test
    void aSessionInAnotherPidNamespaceIsNeverJudgedDead() throws Exception {
        assumeRootCan("unshare", "--pid", "--fork", "--mount-proc", "true");
        // PID 1 of its own namespace, as a JVM in a container is
        aSessionElsewhereKeepsItsChildren("unshare", "--pid", "--fork", "--mount-proc");
    }

    @Test
    void aSessionInAnotherTimeNamespaceIsNeverJudgedDead() throws Exception {
        assumeRootCan("unshare", "--time", "--boottime", "100000", "--fork", "true");
        // the same PIDs, but every start time it reads is 100 000 s later than ours
        aSessionElsewhereKeepsItsChildren("unshare", "--time", "--boottime", "100000", "--fork");
    }

    /** The host sweeps (the CLI's dry run and another JVM's start-up sweep); the inner JVM's child lives on, and ends with it. */
    private void aSessionElsewhereKeepsItsChildren(String... wrapper) throws Exception {
        Jdk jdk = Jdk.current();
        Host inner = host(jdk).agent().wrappedIn(wrapper).start(ZooHost.class, "return", dir.toString(), "plain");
        inner.linesUntil("ready", Duration.ofSeconds(30));
        long sleep = markedSleep();
        long ticks = Proc.startTicks(sleep);

        Cli dry = Cli.run(dir, mark, "sweep", "--dry-run", "--json");
        assertThat(dry.out).as("the dry run's leftovers: %s", dry).doesNotContain("\"pid\": " + sleep + ",");
        Cli ps = Cli.run(dir, mark, "ps");
        String line = lineOf(ps.out, "sleep 600", sleep);
        assertThat(line).as("ps: %s", ps).contains("other namespace").doesNotContain("DEAD");

        Path sweeperDir = Files.createDirectory(dir.resolve("sweeper"));
        Host sweeper = host(jdk).agent("log=debug").start(ZooHost.class, "return", sweeperDir.toString());
        sweeper.linesUntil("ready", Duration.ofSeconds(30));
        assertThat(eventually(Duration.ofSeconds(10), () -> sweeper.stderr().contains("[reap] start-up sweep: ")))
                .as("the start-up sweep ran; stderr:%n%s", sweeper.stderr()).isTrue();
        sweeper.send("go");
        sweeper.awaitExit(Duration.ofSeconds(30));
        assertThat(Proc.alive(sleep, ticks)).as("the other namespace's child; sweeper stderr:%n%s", sweeper.stderr()).isTrue();

        inner.send("go");
        assertThat(inner.awaitExit(Duration.ofSeconds(30))).isZero();
        assertThat(eventually(Duration.ofSeconds(5), () -> !Proc.alive(sleep, ticks)))
                .as("its own JVM ends it; stderr:%n%s", inner.stderr()).isTrue();
    }

    /**
     * {@code unshare --pid --fork} without {@code --mount-proc}: the JVM's {@code /proc} numbers
     * processes as the outer namespace does, not as the JDK's PIDs. The agent then acts only on
     * the children it holds a {@link Process} for, never on a PID read there.
     */
    @Test
    void aJvmWhoseProcIsAnOuterNamespacesSignalsOnlyItsOwnChildren() throws Exception {
        assumeRootCan("unshare", "--pid", "--fork", "true");
        Host host = host(Jdk.current()).agent("grace=300ms").wrappedIn("unshare", "--pid", "--fork")
                .start(ZooHost.class, "return", dir.toString(), "plain", "grandchild", "daemon");
        host.linesUntil("ready", Duration.ofSeconds(30));
        long sleep = markedSleep();
        long ticks = Proc.startTicks(sleep);

        host.send("go");
        assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();

        try {
            assertThat(eventually(Duration.ofSeconds(5), () -> !Proc.alive(sleep, ticks)))
                    .as("its own child ends; stderr:%n%s", host.stderr()).isTrue();
            assertThat(host.stderr()).as("no PID read from that /proc was signalled")
                    .doesNotContain("could not send").doesNotContain("survived");
        } finally {
            // what left the tree is out of its reach there (README, Limits): the test ends it
            Proc.end(Proc.withEnvironment(MARK, mark));
        }
    }

    /** Where {@code hidepid} hides root's JVM from another user, that user's sweep cannot tell it from a dead one. */
    @Test
    void aSessionWhoseJvmIsHiddenByHidepidIsNeverJudgedDead() throws Exception {
        assumeRootCan("unshare", "--mount", "sh", "-c", "mount -t proc -o hidepid=2 proc /proc");
        Host host = host(Jdk.current()).agent().start(ZooHost.class, "return", dir.toString(), "plain");
        Zoo zoo = Zoo.ready(host, dir, List.of("plain"));
        long[] theirs = asNobody(host.sessionId());
        Path open = Files.createTempDirectory("reap-it-jar");
        Path jar = Files.copy(Host.AGENT_JAR, open.resolve("reap-agent.jar"));
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(jar, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        try {
            ProcessBuilder sweep = new ProcessBuilder("unshare", "--mount", "sh", "-c",
                    "mount -t proc -o hidepid=2 proc /proc && exec /usr/bin/setpriv --reuid=65534 --regid=65534"
                            + " --clear-groups \"$0\" -jar \"$1\" sweep --json", Jdk.current().java(), jar.toString())
                    .redirectErrorStream(true);
            sweep.environment().put(MARK, mark);
            sweep.environment().remove("JAVA_TOOL_OPTIONS");
            Process p = sweep.start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

            assertThat(out).as("the hidden user's sweep").doesNotContain("\"pid\": " + theirs[0] + ",");
            assertThat(Proc.alive(theirs[0], theirs[1])).as("a live session's process; sweep said:%n%s", out).isTrue();
        } finally {
            Files.delete(jar);
            Files.delete(open);
        }
        host.send("go");
        assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();
        zoo.allEndWithin(Duration.ofSeconds(5));
    }

    @Test
    void anotherUsersProcessWithACopiedTagOutlivesTheExitHook() throws Exception {
        Host host = host(Jdk.current()).agent().start(ZooHost.class, "return", dir.toString(), "plain");
        Zoo zoo = Zoo.ready(host, dir, List.of("plain"));
        long[] theirs = asNobody(host.sessionId());
        long[] ours = tagged(host.sessionId());

        host.send("go");
        assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();

        zoo.allEndWithin(Duration.ofSeconds(5));
        assertThat(eventually(Duration.ofSeconds(5), () -> !Proc.alive(ours[0], ours[1])))
                .as("our own process carrying the tag ends; stderr:%n%s", host.stderr()).isTrue();
        assertThat(Proc.alive(theirs[0], theirs[1])).as("another user's process carrying it does not; stderr:%n%s",
                host.stderr()).isTrue();
    }

    @Test
    void anotherUsersProcessWithACopiedTagOutlivesTheWatchdog() throws Exception {
        Host host = host(Jdk.current()).agent().start(ZooHost.class, "wait", dir.toString(), "plain");
        Zoo zoo = Zoo.ready(host, dir, List.of("plain"));
        awaitWatchdog(host);
        long[] theirs = asNobody(host.sessionId());
        long[] ours = tagged(host.sessionId());

        host.signal("KILL");
        host.awaitExit(Duration.ofSeconds(30));

        zoo.allEndWithin(Duration.ofSeconds(5));
        assertThat(eventually(Duration.ofSeconds(5), () -> !Proc.alive(ours[0], ours[1])))
                .as("our own process carrying the tag ends; stderr:%n%s", host.stderr()).isTrue();
        assertThat(eventually(Duration.ofSeconds(5), () -> host.stderr().contains("[reap] watchdog: JVM ")))
                .as("the watchdog reaped; stderr:%n%s", host.stderr()).isTrue();
        assertThat(Proc.alive(theirs[0], theirs[1])).as("another user's process carrying it does not; stderr:%n%s",
                host.stderr()).isTrue();
    }

    /** {@code sleep 600} as user nobody, carrying {@code session}'s tag: PID and start time. */
    private long[] asNobody(String session) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) && new File("/usr/bin/setpriv").canExecute(),
                "needs root and setpriv to start a process as another user");
        return tagged(session, "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
    }

    private long[] tagged(String session, String... prefix) throws Exception {
        List<String> command = new ArrayList<>(List.of(prefix));
        command.addAll(List.of("sleep", "600"));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put(MARK, mark);
        builder.environment().put(TAG, session);
        Process p = builder.start();
        started.add(p);
        assertThat(eventually(Duration.ofSeconds(5), () -> "sleep 600".equals(Proc.commandLine(p.pid())))).isTrue();
        return new long[] {p.pid(), Proc.startTicks(p.pid())};
    }

    /** The one {@code sleep 600} carrying this test's mark, by its PID here. */
    private long markedSleep() throws InterruptedException {
        long[] found = {-1};
        assertThat(eventually(Duration.ofSeconds(10), () -> {
            for (long pid : Proc.withEnvironment(MARK, mark)) {
                if ("sleep 600".equals(Proc.commandLine(pid))) {
                    found[0] = pid;
                    return true;
                }
            }
            return false;
        })).as("the inner host's sleep").isTrue();
        return found[0];
    }

    /** The session line of {@code ps} above the row of {@code pid}. */
    private static String lineOf(String ps, String command, long pid) {
        String session = null;
        for (String line : ps.split("\n")) {
            if (line.startsWith("session ")) {
                session = line;
            } else if (line.trim().startsWith(pid + " ") && line.contains(command)) {
                return session;
            }
        }
        throw new AssertionError("ps lists no " + pid + ":\n" + ps);
    }

    private static void assumeRootCan(String... command) throws IOException, InterruptedException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root for namespaces");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        Assumptions.assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0,
                String.join(" ", command) + " does not work here: " + out.trim());
    }
}
