package dev.reap.agent.attach;

import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.session.Adopted;
import dev.reap.agent.session.Registry;
import dev.reap.agent.testing.Children;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Adoption at attach, against real children and grandchildren of this JVM. */
class AdoptionTest {
    @Test
    void findsTheLiveChildrenAndTheirDescendantsWithTheirStartTimes() throws Exception {
        try (Children children = new Children()) {
            Process sleeper = children.start("sleep", "600");
            Process shell = children.shReady("sleep 601 & echo ready; wait");
            assertThat(Children.await(Duration.ofSeconds(5), () -> shell.descendants().count() == 1)).isTrue();
            long grandchild = shell.descendants().findFirst().orElseThrow().pid();
            Process ended = children.start("true");
            ended.waitFor();

            List<Adopted> found = Adoption.ofThisJvm();

            List<Long> pids = found.stream().map(Adopted::pid).collect(Collectors.toList());
            assertThat(pids).contains(sleeper.pid(), shell.pid(), grandchild).doesNotContain(ended.pid());
            Adopted child = byPid(found, shell.pid());
            Adopted descendant = byPid(found, grandchild);
            assertThat(child.directChild()).isTrue();
            assertThat(descendant.directChild()).isFalse();
            assertThat(descendant.parentPid()).isEqualTo(shell.pid());
            assertThat(descendant.commandLine()).isEqualTo("sleep 601");
            assertThat(descendant.startTicks()).isEqualTo(ProcFs.stat(grandchild).startTicks());
            assertThat(pids.indexOf(shell.pid())).as("parents before children").isLessThan(pids.indexOf(grandchild));
            assertThat(Math.abs(child.startedAtMillis() - System.currentTimeMillis())).isLessThan(60_000);
        }
    }

    @Test
    void theRegistryAdoptsOnlyWhatTheHookHasNotRecordedAndCountsIt() throws Exception {
        try (Children children = new Children()) {
            Process sleeper = children.start("sleep", "600");
            Registry registry = new Registry();

            List<Adopted> adopted = registry.adopt(Adoption.ofThisJvm());

            assertThat(adopted).extracting(Adopted::pid).contains(sleeper.pid());
            assertThat(registry.adopted()).isEqualTo(adopted);
            assertThat(registry.recordedCount()).isEqualTo(adopted.size());
        }
    }

    private static Adopted byPid(List<Adopted> found, long pid) {
        return found.stream().filter(a -> a.pid() == pid).findFirst().orElseThrow();
    }
}
