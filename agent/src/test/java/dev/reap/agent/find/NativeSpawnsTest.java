package dev.reap.agent.find;

import dev.reap.agent.proc.OwnSpawns;
import dev.reap.agent.session.Adopted;
import dev.reap.agent.session.Registry;
import dev.reap.agent.session.Session;
import dev.reap.agent.session.SpawnSite;
import dev.reap.agent.testing.Children;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.reap.agent.testing.Children.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The look for the JVM's children its hook did not record, with real children of this test JVM
 * (no agent here: to the look they are what JNA or the FFM API would have started).
 */
class NativeSpawnsTest {
    private static final Session SELF = Session.current(Map.of());
    private final Children children = new Children();
    private final Registry registry = new Registry();
    private final NativeSpawns natives = new NativeSpawns(SELF, registry, false);

    @AfterEach
    void cleanUp() {
        children.close();
    }

    @Test
    void aChildSeenByTwoLooksIsANativeSpawnAndItsDescendantsAreKnownBeforeItDies() throws Exception {
        Process shell = children.shReady("sleep 600 & echo ready; wait");
        long grandchild = shell.children().findFirst().orElseThrow().pid();

        List<Adopted> first = natives.look();
        assertThat(pids(first)).as("one look is not enough: a ProcessBuilder spawn is recorded a moment after it starts")
                .doesNotContain(shell.pid());
        List<Adopted> second = natives.look();

        assertThat(pids(second)).contains(shell.pid(), grandchild);
        Adopted child = second.get(pids(second).indexOf(shell.pid()));
        assertThat(child.site()).isSameAs(SpawnSite.NATIVE);
        assertThat(child.directChild()).isTrue();
        assertThat(natives.look()).as("learnt once").isEmpty();

        // the library's hook kills the child first: the grandchild is known by PID and start time all the same
        shell.destroyForcibly().waitFor();
        try {
            natives.look();
            assertThat(pids(registry.adopted())).containsExactly(grandchild);
        } finally {
            // orphaned now: out of reach of the clean-up's walk down from the shell
            ProcessHandle.of(grandchild).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void withNoTraceTheRecordedChildrensDescendantsAreFollowedToo() throws Exception {
        Process tagged = children.shReady("sleep 600 & echo ready; wait");
        registry.record(new dev.reap.agent.session.Child(tagged, List.of("sh"), 1, SpawnSite.UNKNOWN, null));
        assertThat(natives.look()).as("without the switch, the tag finds them").isEmpty();

        NativeSpawns untagged = new NativeSpawns(SELF, registry, true);
        Process shell = children.shReady("sleep 600 & echo ready; wait");
        long grandchild = shell.children().findFirst().orElseThrow().pid();
        SpawnSite site = SpawnSite.capture();
        registry.record(new dev.reap.agent.session.Child(shell, List.of("sh"), 1, site, null));

        List<Adopted> found = untagged.look();

        assertThat(pids(found)).contains(grandchild).hasSize(2);
        assertThat(found.get(pids(found).indexOf(grandchild)).site()).as("the recorded child's").isSameAs(site);
    }

    @Test
    void recordedChildrenAndTheAgentsOwnAreNotNativeSpawns() throws Exception {
        Process own = OwnSpawns.start(new ProcessBuilder("sleep", "600"));
        children.started().add(own);
        Process recorded = children.start("sleep", "600");
        registry.record(new dev.reap.agent.session.Child(recorded, List.of("sleep", "600"), 0, SpawnSite.UNKNOWN, null));

        natives.look();
        assertThat(pids(natives.look())).doesNotContain(own.pid(), recorded.pid());
        assertThat(registry.hasUnrecordedChild(SELF.pid())).isFalse();
        Process unrecorded = children.start("sleep", "600");
        assertThat(await(Duration.ofSeconds(5), () -> registry.hasUnrecordedChild(SELF.pid()))).isTrue();
        unrecorded.destroyForcibly().waitFor();
    }

    private static List<Long> pids(List<Adopted> found) {
        List<Long> pids = new ArrayList<>();
        for (Adopted a : found) {
            pids.add(a.pid());
        }
        return pids;
    }
}
