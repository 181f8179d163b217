package dev.reap.agent.watchdog;

import dev.reap.agent.config.ConfigLoader;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.session.Session;
import dev.reap.agent.testing.Children;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.reap.agent.testing.Children.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The host's end of the watchdog, in this JVM, with real sidecars run from this test's class path. */
class WatchdogTest {
    private static final Session SESSION = Session.current(Map.of());
    private static final File CLASS_PATH = new File(System.getProperty("java.class.path"));
    private final Children children = new Children();
    private final AtomicInteger firstLasting = new AtomicInteger();
    private Watchdog watchdog;
    private ConfigLoader configs;

    @BeforeEach
    void watchdog() throws Exception {
        configs = ConfigLoader.forAgentOptions("");
        configs.load(new Properties(), Map.of());
        watchdog = new Watchdog(SESSION, configs, CLASS_PATH, firstLasting::incrementAndGet);
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        watchdog.hostExiting();
        watchdog.release();
        boolean none = await(Duration.ofSeconds(10), () -> sidecar() < 0);
        // one left behind is ended here: it would be taken for the next test's
        ProcessHandle.of(sidecar()).ifPresent(ProcessHandle::destroyForcibly);
        children.close();
        assertThat(none).as("no sidecar left behind").isTrue();
    }

    private static java.util.Set<Long> childPids() {
        java.util.Set<Long> pids = new java.util.HashSet<>();
        ProcessHandle.current().children().forEach(c -> pids.add(c.pid()));
        return pids;
    }

    /** The PID of this session's sidecar, or -1. */
    private static long sidecar() {
        for (long pid : ProcFs.pids()) {
            String line = ProcFs.commandLine(pid);
            ProcStat stat = ProcFs.stat(pid);
            if (line != null && line.contains(WatchdogMain.class.getName() + " " + SESSION.id())
                    && stat != null && !stat.exited()) {
                return pid;
            }
        }
        return -1;
    }

    @Test
    void aChildThatLastsStartsTheSidecarAndTheGoodbyeEndsItButNotTheChild() throws Exception {
        Process child = children.start("sleep", "600");
        watchdog.spawned(child);

        assertThat(await(Duration.ofSeconds(10), () -> firstLasting.get() == 1 && sidecar() > 0)).isTrue();
        watchdog.hostExiting();
        watchdog.release();

        assertThat(await(Duration.ofSeconds(10), () -> sidecar() < 0)).as("the sidecar ends on goodbye").isTrue();
        assertThat(child.isAlive()).as("a goodbye is no reap").isTrue();
    }

    @Test
    void childrenThatEndWithinTheWindowNeverStartOne() throws Exception {
        Process quick = new ProcessBuilder("true").start();
        watchdog.spawned(quick);
        quick.waitFor();

        assertThat(await(Duration.ofMillis(3 * Watchdog.LASTING_MILLIS), () -> sidecar() > 0)).isFalse();
        assertThat(firstLasting.get()).isZero();
    }

    @Test
    void aSidecarKilledWhileTheHostLivesIsReplacedOnce() throws Exception {
        watchdog.spawned(children.start("sleep", "600"));
        assertThat(await(Duration.ofSeconds(10), () -> sidecar() > 0)).isTrue();
        long first = sidecar();

        ProcessHandle.of(first).ifPresent(ProcessHandle::destroyForcibly);

        assertThat(await(Duration.ofSeconds(10), () -> sidecar() > 0 && sidecar() != first))
                .as("a new sidecar after pid %d was killed", first).isTrue();
        assertThat(firstLasting.get()).as("the exit is readied once").isEqualTo(1);
    }

    /**
     * A host that closes its sidecar's pipe and lives on (native code closing every descriptor) has
     * not died: nothing of it is reaped while it runs; once it is gone, its child is.
     */
    @Test
    void aPipeClosedByAHostThatLivesOnIsNoDeathUntilTheHostEnds() throws Exception {
        Process host = children.sh("sleep 600 & echo $!; wait");
        long child = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(host.getInputStream()))
                .readLine().trim());
        Session session = Session.parse(host.pid() + "-" + ProcFs.stat(host.pid()).startTicks() + "-"
                + dev.reap.agent.proc.Namespace.current());
        ConfigLoader debug = ConfigLoader.forAgentOptions("log=debug");
        debug.load(new Properties(), Map.of());
        File stderr = Files.createTempFile("sidecar", ".err").toFile();
        stderr.deleteOnExit();
        ProcessBuilder builder = new ProcessBuilder(WatchdogCommand.command(CLASS_PATH, session, debug.atExit(), false))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr);
        WatchdogCommand.clean(builder.environment());
        Process sidecar = builder.start();
        children.started().add(sidecar);

        sidecar.getOutputStream().write((child + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        sidecar.getOutputStream().close();

        assertThat(await(Duration.ofSeconds(10), () -> read(stderr).contains("closed its pipe but lives on")))
                .as("the sidecar waits for the host's end; stderr:%n%s", read(stderr)).isTrue();
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive)).as("not reaped while its host runs").contains(true);
        host.destroyForcibly().waitFor();
        assertThat(await(Duration.ofSeconds(10), () -> ProcessHandle.of(child).isEmpty()))
                .as("reaped once its host is gone; stderr:%n%s", read(stderr)).isTrue();
        assertThat(sidecar.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(read(stderr)).contains("[reap] watchdog: JVM " + host.pid() + " ended without its shutdown hooks; reaped 1 process");
    }

    private static String read(File file) {
        try {
            return Files.readString(file.toPath());
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void theExitStartsNoSidecar() throws Exception {
        watchdog.hostExiting();
        watchdog.spawned(children.start("sleep", "600"));

        assertThat(await(Duration.ofMillis(3 * Watchdog.LASTING_MILLIS), () -> sidecar() > 0)).isFalse();
    }

    @Test
    void aSpawnAfterTheExitBeganStartsTheAfterExitSidecarAtOnceWithoutTheHostsStdoutOrStderr() throws Exception {
        AfterExitWatch afterExit = new AfterExitWatch(SESSION, configs, CLASS_PATH);
        Process sleep = children.start("sleep", "600");
        java.util.Set<Long> before = childPids();
        afterExit.spawned(sleep);

        // a new child of this JVM at once; found by its command line once setsid has exec'd java
        // (an exec under way reads as an empty command line for a moment)
        java.util.Set<Long> now = childPids();
        now.removeAll(before);
        long child = now.isEmpty() ? -1 : now.iterator().next();
        assertThat(child).as("started on the spawning thread, before spawned() returns").isPositive();
        assertThat(await(Duration.ofSeconds(10), () -> sidecar() == child)).as("the sidecar is that child").isTrue();
        long started = child;
        try {
            assertThat(ProcFs.commandLine(started)).endsWith(SESSION.id() + " " + WatchdogMain.AFTER_EXIT);
            // it outlives the host by design: it must not hold what a runner reads to the end
            assertThat(Files.readSymbolicLink(Paths.get("/proc/" + started + "/fd/1"))).hasToString("/dev/null");
            assertThat(Files.readSymbolicLink(Paths.get("/proc/" + started + "/fd/2"))).hasToString("/dev/null");
            afterExit.spawned(children.start("sleep", "600"));
            assertThat(sidecar()).as("one for the whole exit").isEqualTo(started);
        } finally {
            // it waits for this JVM's end: not within a test
            ProcessHandle.of(started).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
