package dev.reap.agent.session;

import dev.reap.agent.testing.Children;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The registry against real children: bounded by what is alive, whatever a JVM spawned in its life. */
class RegistryTest {
    private final Children children = new Children();
    private final Registry registry = new Registry();

    @AfterEach
    void cleanUp() {
        children.close();
    }

    private Child record(Process p) {
        Child child = new Child(p, List.of("child"), System.currentTimeMillis(), SpawnSite.UNKNOWN, null);
        registry.record(child);
        return child;
    }

    @Test
    void exitedChildrenArePrunedAsTheRegistryGrowsAndLiveOnesStay() throws Exception {
        Child lasting = record(children.start("sleep", "600"));
        for (int i = 0; i < 200; i++) {
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            record(p);
        }
        assertThat(registry.recordedCount()).isEqualTo(201);
        assertThat(registry.size()).as("entries kept beyond the live ones").isLessThanOrEqualTo(2 * Registry.MIN_PRUNE_SIZE);
        assertThat(registry.live()).extracting(Child::pid).containsExactly(lasting.pid());
        assertThat(registry.get(lasting.pid())).isSameAs(lasting);
    }

    @Test
    void theBoundFollowsWhatIsAlive() throws Exception {
        for (int i = 0; i < 40; i++) {
            record(children.start("sleep", "600"));
        }
        assertThat(registry.size()).as("nothing alive is ever dropped").isEqualTo(40);
        for (Process p : children.started()) {
            p.destroyForcibly().waitFor();
        }
        Process last = new ProcessBuilder("true").start();
        last.waitFor();
        record(last);
        assertThat(registry.liveCount()).isZero();
        assertThat(registry.size()).as("all exited: pruned at the spawn after the doubling").isLessThanOrEqualTo(41);
        for (int i = 0; i < 80; i++) {
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            record(p);
        }
        assertThat(registry.size()).isLessThanOrEqualTo(2 * Registry.MIN_PRUNE_SIZE);
    }

    @Test
    void adoptionLeavesOutWhatTheHookRecordedMeanwhileAndCountsTheRest() throws Exception {
        Child recorded = record(children.start("sleep", "600"));
        Adopted same = new Adopted(recorded.pid(), 1, 1, true, "sleep 600", -1, null);
        Adopted other = new Adopted(Integer.MAX_VALUE, 1, 1, true, "sleep 600", -1, null);

        List<Adopted> adopted = registry.adopt(List.of(same, other));

        assertThat(adopted).containsExactly(other);
        assertThat(registry.adopted()).containsExactly(other);
        assertThat(registry.recordedCount()).isEqualTo(2);
    }
}
