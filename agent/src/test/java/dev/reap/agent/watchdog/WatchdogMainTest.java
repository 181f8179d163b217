package dev.reap.agent.watchdog;

import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.session.Session;
import dev.reap.agent.testing.Children;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The watchdog's reading of its host's events, against real children of this JVM. */
class WatchdogMainTest {
    private static final Session SELF = Session.current(java.util.Map.of());

    @Test
    void aGoodbyeEndsTheStreamCleanly() throws Exception {
        Watched watched = new Watched(SELF);
        assertThat(WatchdogMain.follow(events("bye\n"), watched)).isTrue();
    }

    @Test
    void theEndWithoutGoodbyeMeansTheHostDied() throws Exception {
        Watched watched = new Watched(SELF);
        assertThat(WatchdogMain.follow(events("12x\n\nnot a pid at all, and far too long to be one\n"), watched)).isFalse();
        assertThat(watched.size()).isZero();
    }

    @Test
    void onlyTheHostsLiveChildrenAreWatched() throws Exception {
        try (Children children = new Children()) {
            Process child = children.start("sleep", "600");
            Watched watched = new Watched(SELF);

            // PID 1 is no child of this JVM: a PID reused by a stranger is never watched
            assertThat(WatchdogMain.follow(events(child.pid() + "\n1\n"), watched)).isFalse();

            assertThat(watched.all()).containsOnlyKeys(child.pid());
            assertThat(watched.all().get(child.pid())).isEqualTo(ProcFs.stat(child.pid()).startTicks());
        }
    }

    @Test
    void anAdoptedProcessIsWatchedByTheStartTimeTheHostRead() throws Exception {
        try (Children children = new Children()) {
            Process shell = children.shReady("sleep 600 & echo ready; wait");
            assertThat(Children.await(java.time.Duration.ofSeconds(5), () -> shell.descendants().count() == 1)).isTrue();
            long grandchild = shell.descendants().findFirst().orElseThrow().pid();
            long ticks = ProcFs.stat(grandchild).startTicks();
            Watched watched = new Watched(SELF);

            // a descendant, not the host's child, named with its start time; a wrong start time
            // is a reused PID, and PID 1 with its own start time is no process the host had
            String lines = grandchild + " " + ticks + "\n" + shell.pid() + " " + (ticks + 999_999) + "\n1 x\n";
            assertThat(WatchdogMain.follow(events(lines), watched)).isFalse();

            assertThat(watched.all()).containsOnlyKeys(grandchild);
            assertThat(watched.all().get(grandchild)).isEqualTo(ticks);
        }
    }

    private static ByteArrayInputStream events(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
