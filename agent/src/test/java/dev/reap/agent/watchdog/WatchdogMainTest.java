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
    private static final Session SELF = Session.parse(ProcFs.self().pid() + "-" + ProcFs.self().startTicks());

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

    private static ByteArrayInputStream events(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
