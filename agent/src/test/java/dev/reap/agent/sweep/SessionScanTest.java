package dev.reap.agent.sweep;

import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.session.Session;
import dev.reap.agent.spawn.OwnSpawns;
import dev.reap.agent.testing.Children;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Liveness of sessions and the grouping of tagged processes, on the real process table. */
class SessionScanTest {
    private static final ProcStat SELF = ProcFs.self();

    @Test
    void aSessionLivesWhileItsPidHasItsStartTime() {
        SessionScan scan = SessionScan.now(SELF.pid());
        assertThat(scan.alive(SELF.pid() + "-" + SELF.startTicks())).isTrue();
        assertThat(scan.alive(SELF.pid() + "-" + (SELF.startTicks() + 1))).as("a reused PID").isFalse();
        assertThat(scan.alive("not-a-session")).as("never judged dead").isTrue();
    }

    @Test
    void taggedProcessesBelongToTheirInnermostSession() throws Exception {
        try (Children children = new Children()) {
            ProcessBuilder builder = new ProcessBuilder("sleep", "600");
            String inner = SELF.pid() + "-" + (SELF.startTicks() + 1);
            builder.environment().put(Session.TAG, SELF.pid() + "-" + SELF.startTicks() + Session.SEPARATOR + inner);
            Process p = OwnSpawns.start(builder);
            children.started().add(p);
            Children.await(Duration.ofSeconds(5), () -> "sleep 600".equals(ProcFs.commandLine(p.pid())));

            SessionScan scan = SessionScan.now(SELF.pid());

            List<TaggedProcess> owned = scan.byOwner().get(inner);
            assertThat(owned).extracting(TaggedProcess::pid).containsExactly(p.pid());
            assertThat(Sweep.leftovers(scan, inner)).extracting(t -> t.pid()).containsExactly(p.pid());
            assertThat(Sweep.leftovers(scan, SELF.pid() + "-" + SELF.startTicks())).as("a live session's").isEmpty();
        }
    }
}
