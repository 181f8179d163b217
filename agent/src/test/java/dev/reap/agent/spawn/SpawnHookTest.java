package dev.reap.agent.spawn;

import dev.reap.agent.SpawnRecorder;
import dev.reap.agent.proc.OwnSpawns;
import dev.reap.agent.session.Child;
import dev.reap.agent.session.Registry;
import dev.reap.agent.session.Session;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import static dev.reap.agent.testing.Children.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hook installed into this very JVM (through byte-buddy-agent), on the real JDK
 * {@code ProcessBuilder}: the path {@code attach} takes, since {@code ProcessBuilder} is loaded.
 */
class SpawnHookTest {
    private static final String CHAIN = "1-2,3-4";
    private static final Delegate DELEGATE = new Delegate();
    private static final SpawnRecorder TAGGER = new SpawnRecorder(CHAIN, new Registry(), false, true, null, null);
    private static SpawnHook hook;

    private Registry registry;
    private final Map<Long, AtomicInteger> timesRecorded = new ConcurrentHashMap<>();

    @BeforeAll
    static void install() {
        if (hook == null) {
            hook = SpawnHook.install(ByteBuddyAgent.install(), TAGGER::tag, DELEGATE, RewriteSource.COMPUTE);
        }
    }

    @BeforeEach
    void freshRegistry() {
        registry = new Registry();
        SpawnRecorder recorder = new SpawnRecorder(CHAIN, registry, true, true, null, null);
        DELEGATE.target = (process, builder) -> {
            timesRecorded.computeIfAbsent(process.pid(), pid -> new AtomicInteger()).incrementAndGet();
            recorder.record(process, builder);
        };
    }

    @Test
    void withNoTraceTheEnvironmentIsTheBuildersOwn() {
        SpawnRecorder untagged = new SpawnRecorder(CHAIN, registry, false, false, null, null);
        Map<String, String> environment = new ProcessBuilder().environment();
        assertThat(untagged.tag(environment)).isSameAs(environment);
        assertThat(untagged.tag(null)).isNull();
        assertThat(TAGGER.tag(environment)).containsEntry("REAP_AGENT_SESSIONS", CHAIN);
    }

    @Test
    void theHookIsInstalled() {
        assertThat(hook.hooked()).isTrue();
        assertThat(SpawnHook.alreadyInstalled()).isTrue();
    }

    @Test
    void everySpawnFrom64ThreadsIsRecordedExactlyOnce() throws Exception {
        int threads = 64;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> pids = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                pids.add(pool.submit(() -> {
                    go.await();
                    Process p = new ProcessBuilder("true").start();
                    p.waitFor();
                    return p.pid();
                }));
            }
            go.countDown();
            Set<Long> spawned = new java.util.HashSet<>();
            for (Future<Long> f : pids) {
                spawned.add(f.get(30, TimeUnit.SECONDS));
            }
            assertThat(timesRecorded.keySet()).containsExactlyInAnyOrderElementsOf(spawned);
            assertThat(timesRecorded.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
            assertThat(registry.recordedCount()).isEqualTo(threads);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyWayToSpawnIsRecordedOnce() throws Exception {
        List<Process> processes = new ArrayList<>();
        processes.add(new ProcessBuilder("true").start());
        processes.add(Runtime.getRuntime().exec(new String[] {"true"}));
        processes.add(Runtime.getRuntime().exec(new String[] {"true"}, null, null));
        processes.addAll(ProcessBuilder.startPipeline(List.of(new ProcessBuilder("echo", "x"), new ProcessBuilder("cat"))));
        for (Process p : processes) {
            p.waitFor();
            assertThat(timesRecorded.get(p.pid())).as("pid %d", p.pid()).hasValue(1);
        }
        assertThat(registry.recordedCount()).isEqualTo(processes.size());
    }

    @Test
    void aFailedStartRecordsNothingAndStillThrowsTheJdksException() {
        assertThatThrownBy(() -> new ProcessBuilder("/nonexistent/reap-agent-test").start())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("/nonexistent/reap-agent-test");
        assertThat(registry.recordedCount()).isZero();
    }

    @Test
    void childrenAndGrandchildrenCarryTheSessionChain() throws Exception {
        assertThat(output(new ProcessBuilder("sh", "-c", "echo $" + Session.TAG))).isEqualTo(CHAIN);
        assertThat(output(new ProcessBuilder("sh", "-c", "sh -c 'echo $" + Session.TAG + "'"))).isEqualTo(CHAIN);
    }

    @Test
    void anExplicitEnvironmentIsTaggedButTheBuildersMapIsLeftAlone() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", "echo $" + Session.TAG + ":$ONLY");
        builder.environment().clear();
        builder.environment().put("ONLY", "this");
        assertThat(output(builder)).isEqualTo(CHAIN + ":this");
        assertThat(builder.environment()).containsOnlyKeys("ONLY");
    }

    @Test
    void theAgentsOwnSpawnsAreNeitherRecordedNorTagged() throws Exception {
        Process own = OwnSpawns.start(new ProcessBuilder("sh", "-c", "echo x$" + Session.TAG));
        assertThat(read(own)).isEqualTo("x");
        assertThat(registry.recordedCount()).isZero();
    }

    @Test
    void theSpawnSiteIsTheFirstFrameOutsideTheJdkAndTheAgent() throws Exception {
        // the bridge calls the recorder directly here, as in a real agent (no test wrapper on the stack)
        BridgeClass.connect(BridgeClass.existing(), TAGGER::tag, new SpawnRecorder(CHAIN, registry, true, true, null, null)::record);
        Process p;
        try {
            p = new ProcessBuilder("sleep", "30").start();
        } finally {
            BridgeClass.connect(BridgeClass.existing(), TAGGER::tag, DELEGATE);
        }
        try {
            Child child = registry.get(p.pid());
            assertThat(child.site().toString()).startsWith(SpawnHookTest.class.getName()
                    + ".theSpawnSiteIsTheFirstFrameOutsideTheJdkAndTheAgent(SpawnHookTest.java:");
            assertThat(child.commandLine()).isEqualTo("sleep 30");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void shortLivedChildrenLeaveTheRegistry() throws Exception {
        for (int i = 0; i < 500; i++) {
            new ProcessBuilder("true").start().waitFor();
        }
        assertThat(registry.recordedCount()).isEqualTo(500);
        assertThat(registry.size()).as("exited children are pruned as the registry grows").isLessThanOrEqualTo(64);
        assertThat(await(Duration.ofSeconds(10), () -> registry.liveCount() == 0))
                .as("registry empty once the children exited, %d left", registry.liveCount()).isTrue();
    }

    private static String output(ProcessBuilder builder) throws IOException, InterruptedException {
        return read(builder.start());
    }

    private static String read(Process p) throws IOException, InterruptedException {
        try (InputStream in = p.getInputStream()) {
            String out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return out;
        }
    }

    /** The listener the hook was installed with; each test points it at a fresh registry. */
    private static final class Delegate implements BiConsumer<Process, ProcessBuilder> {
        volatile BiConsumer<Process, ProcessBuilder> target;

        @Override
        public void accept(Process process, ProcessBuilder builder) {
            BiConsumer<Process, ProcessBuilder> t = target;
            if (t != null) {
                t.accept(process, builder);
            }
        }
    }
}
