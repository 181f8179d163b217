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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweep: at another JVM's start-up and from the CLI, the leftovers of dead sessions end;
 * live sessions' processes, untagged processes and other users' processes never do.
 */
class SweepTest extends HostTest {
    private final List<Process> started = new ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void endWhatTheTestStarted() {
        Proc.endAll(started);
    }

    @Test
    void aStartupSweepEndsADeadSessionsLeftoversAndNothingElse() throws Exception {
        Jdk jdk = Jdk.current();
        Host dead = host(jdk).agent("watchdog=false").start(ZooHost.class, "wait", dir.toString(), "plain", "daemon");
        Zoo leftovers = Zoo.ready(dead, dir, List.of("plain", "daemon"));
        Path liveDir = Files.createDirectory(dir.resolve("live"));
        Host live = host(jdk).agent("sweep=false").start(ZooHost.class, "wait", liveDir.toString(), "daemon");
        long liveDaemon = pidOf(live, "daemon");
        long untagged = spawnMarked("sleep", "600").pid();
        dead.signal("KILL");
        dead.awaitExit(Duration.ofSeconds(10));
        assertThat(leftovers.alive()).as("a killed JVM without watchdog leaves them").hasSize(2);

        Host sweeper = host(jdk).agent().start(ZooHost.class, "wait", Files.createDirectory(dir.resolve("s")).toString());
        sweeper.linesUntil("ready", Duration.ofSeconds(30));

        leftovers.allEndWithin(Duration.ofSeconds(10));
        leftovers.sigintCameFirst();
        assertThat(eventually(Duration.ofSeconds(5), () -> sweeper.stderr().contains("[reap] start-up sweep of dead sessions: reaped ")))
                .as("the sweeper's line; stderr:%n%s", sweeper.stderr()).isTrue();
        assertThat(Proc.alive(liveDaemon, Proc.startTicks(liveDaemon))).as("a live session's daemon").isTrue();
        assertThat(Proc.alive(untagged, Proc.startTicks(untagged))).as("an untagged process").isTrue();

        end(live);
        end(sweeper);
    }

    @Test
    void theSweepCommandListsDryAndThenEndsADeadSession() throws Exception {
        Host dead = host(Jdk.current()).agent("watchdog=false").start(ZooHost.class, "wait", dir.toString(),
                "recorder", "daemon", "stubborn");
        Zoo leftovers = Zoo.ready(dead, dir, List.of("recorder", "daemon", "stubborn"));
        String session = dead.sessionId();
        dead.signal("KILL");
        dead.awaitExit(Duration.ofSeconds(10));

        Cli ps = Cli.run(dir, mark, "ps");
        assertThat(ps.status).isZero();
        assertThat(ps.out).as("ps").contains("session " + session + "  jvm " + dead.pid() + "  DEAD")
                .contains("record.sh").contains("stubborn.sh");
        Cli psJson = Cli.run(dir, mark, "ps", "--json");
        assertThat(psJson.out).contains("{\"id\": \"" + session + "\", \"pid\": " + dead.pid() + ", \"alive\": false");

        Cli dry = Cli.run(dir, mark, "sweep", "--dry-run", "--session", session);
        assertThat(dry.status).as("%s", dry).isEqualTo(1);
        assertThat(dry.out).contains("dry run: ").contains("nothing was signalled").contains("stubborn.sh");
        assertThat(leftovers.alive()).as("a dry run signals nothing").hasSize(3);

        Cli sweep = Cli.run(dir, mark, "sweep", "--session", session, "--grace", "300ms", "--json");
        assertThat(sweep.status).as("SIGKILL was needed for the stubborn one: %s", sweep).isEqualTo(1);
        assertThat(sweep.out).contains("\"outcome\": \"ended on SIGINT\"").contains("\"outcome\": \"ended on SIGKILL\"");
        leftovers.allEndWithin(Duration.ofSeconds(2));
        leftovers.sigintCameFirst();
        assertThat(Files.readAllLines(dir.resolve("stubborn")).get(0)).startsWith("INT ");

        Cli again = Cli.run(dir, mark, "sweep", "--session", session);
        assertThat(again.status).as("%s", again).isZero();
        assertThat(again.out).contains("nothing to sweep");
    }

    @Test
    void theSweepCommandRefusesALiveSessionAndBadArguments() throws Exception {
        Host live = host(Jdk.current()).agent().start(ZooHost.class, "wait", dir.toString(), "plain");
        long child = pidOf(live, "plain");

        Cli refused = Cli.run(dir, mark, "sweep", "--session", live.sessionId());
        assertThat(refused.status).isEqualTo(2);
        assertThat(refused.err).isEqualTo("reap-agent sweep: session " + live.sessionId()
                + " is alive; its own JVM reaps its processes when it ends\n");
        assertThat(Proc.alive(child, Proc.startTicks(child))).isTrue();
        for (String[] bad : new String[][] {{"--grace", "soon"}, {"--session", "4242"}, {"--cwd", dir.toString()},
                {"--match", "("}, {"--frobnicate"}}) {
            Cli r = Cli.run(dir, mark, concat("sweep", bad));
            assertThat(r.status).as("%s", r).isEqualTo(2);
            assertThat(r.err.split("\n")).as("one line: %s", r.err).hasSize(1);
            assertThat(r.out).isEmpty();
        }
        end(live);
    }

    @Test
    void anotherUsersTaggedProcessSurvivesWhereOursDoesNot() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) && new java.io.File("/usr/bin/setpriv").canExecute(),
                "needs root and setpriv to start a process as another user");
        String deadSession = deadSession();
        Process theirs = spawnMarked(List.of(Session.TAG, deadSession),
                "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "sleep", "600");
        Process ours = spawnMarked(List.of(Session.TAG, deadSession), "sleep", "600");
        long theirsTicks = waitForStart(theirs.pid());
        long oursTicks = waitForStart(ours.pid());

        Cli sweep = Cli.run(dir, mark, "sweep", "--session", deadSession, "--grace", "1s");

        assertThat(sweep.status).as("%s", sweep).isZero();
        assertThat(eventually(Duration.ofSeconds(2), () -> !Proc.alive(ours.pid(), oursTicks))).as("ours ends").isTrue();
        assertThat(Proc.alive(theirs.pid(), theirsTicks)).as("another user's process is never touched").isTrue();
    }

    @Test
    void theOrphanHeuristicEndsOnlyMatchingOrphansUnderTheDirectory() throws Exception {
        Path work = Files.createDirectory(dir.resolve("work"));
        long matching = orphan(work, "600");
        long other = orphan(work, "601");
        long ticksMatching = Proc.startTicks(matching);
        long ticksOther = Proc.startTicks(other);
        try {
            Cli sweep = Cli.run(dir, mark, "sweep", "--cwd", work.toString(), "--match", "^sleep 600$", "--grace", "1s");
            assertThat(sweep.status).as("%s", sweep).isZero();
            assertThat(sweep.out).contains("(orphan)");
            assertThat(eventually(Duration.ofSeconds(2), () -> !Proc.alive(matching, ticksMatching))).isTrue();
            assertThat(Proc.alive(other, ticksOther)).as("its command does not match").isTrue();
        } finally {
            Proc.end(List.of(other, matching));
        }
    }

    /** The id of a session whose JVM was killed (and its one child swept with the rest). */
    private String deadSession() throws Exception {
        Path hostDir = Files.createDirectory(dir.resolve("dead-host"));
        Host dead = host(Jdk.current()).agent("watchdog=false").start(ZooHost.class, "wait", hostDir.toString(), "plain");
        Zoo.ready(dead, hostDir, List.of("plain"));
        String session = dead.sessionId();
        dead.signal("KILL");
        dead.awaitExit(Duration.ofSeconds(10));
        return session;
    }

    /** An untagged orphan: {@code sleep <seconds>} in {@code cwd}, re-parented away by {@code setsid -f}. */
    private long orphan(Path cwd, String seconds) throws Exception {
        Path pidFile = dir.resolve("orphan-" + seconds);
        ProcessBuilder builder = new ProcessBuilder("setsid", "-f", "sh", "-c", "echo $$ > \"$0\"; exec sleep " + seconds,
                pidFile.toString()).directory(cwd.toFile());
        builder.environment().put(MARK, mark);
        builder.environment().remove(Session.TAG);
        builder.start().waitFor();
        assertThat(eventually(Duration.ofSeconds(5), () -> read(pidFile).endsWith("\n"))).isTrue();
        long pid = Long.parseLong(read(pidFile).trim());
        assertThat(eventually(Duration.ofSeconds(5), () -> {
            String line = Proc.commandLine(pid);
            return line != null && line.startsWith("sleep");
        })).isTrue();
        return pid;
    }

    private Process spawnMarked(String... command) throws IOException {
        return spawnMarked(List.of(), command);
    }

    private Process spawnMarked(List<String> extraEnvironment, String... command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put(MARK, mark);
        builder.environment().remove(Session.TAG);
        for (int i = 0; i < extraEnvironment.size(); i += 2) {
            builder.environment().put(extraEnvironment.get(i), extraEnvironment.get(i + 1));
        }
        Process p = builder.start();
        started.add(p);
        return p;
    }

    private static long waitForStart(long pid) throws InterruptedException {
        assertThat(eventually(Duration.ofSeconds(5), () -> {
            String line = Proc.commandLine(pid);
            return line != null && line.startsWith("sleep");
        })).as("pid %d runs sleep", pid).isTrue();
        return Proc.startTicks(pid);
    }

    private static long pidOf(Host host, String kind) throws InterruptedException {
        Long pid = host.spawned().get(kind);
        assertThat(pid).as("the %s %s spawned", kind, host).isNotNull();
        return pid;
    }

    private static void end(Host host) throws IOException, InterruptedException {
        host.send("go");
        host.signal("TERM");
        host.awaitExit(Duration.ofSeconds(20));
    }

    private static String[] concat(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    /** The tag's name, as the agent spells it. */
    private static final class Session {
        static final String TAG = "REAP_AGENT_SESSIONS";
    }
}
