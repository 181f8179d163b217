package dev.reap.agent.sweep;

import dev.reap.agent.proc.Namespace;
import dev.reap.agent.proc.ProcClock;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.session.Session;
import dev.reap.agent.proc.OwnSpawns;
import dev.reap.agent.testing.Children;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static dev.reap.agent.sweep.SessionScan.Verdict.DEAD;
import static dev.reap.agent.sweep.SessionScan.Verdict.LIVE;
import static dev.reap.agent.sweep.SessionScan.Verdict.OTHER_NAMESPACE;
import static dev.reap.agent.sweep.SessionScan.Verdict.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

/** Verdicts on sessions and the grouping of tagged processes, on the real process table. */
class SessionScanTest {
    private static final ProcStat SELF = ProcFs.self();
    private static final String VIEW = Namespace.current();

    private static String id(long pid, long start) {
        return pid + "-" + start + "-" + VIEW;
    }

    @Test
    void aSessionIsDeadOnlyWhenItsPidIsGoneOrTakenByALaterProcess() throws Exception {
        SessionScan scan = SessionScan.now(SELF.pid());
        assertThat(scan.judge(id(SELF.pid(), SELF.startTicks()))).isEqualTo(LIVE);
        assertThat(scan.judge(id(SELF.pid(), SELF.startTicks() - 1))).as("a reused PID").isEqualTo(DEAD);
        assertThat(scan.judge(id(goneProcess(), SELF.startTicks()))).as("a PID that names nobody").isEqualTo(DEAD);
    }

    @Test
    void whatCannotBeKnownFromHereIsNeverDead() throws Exception {
        SessionScan scan = SessionScan.now(SELF.pid());
        String otherView = VIEW.equals("000000000000") ? "000000000001" : "000000000000";
        assertThat(scan.judge(goneProcess() + "-" + SELF.startTicks() + "-" + otherView))
                .as("another namespace's session").isEqualTo(OTHER_NAMESPACE);
        assertThat(scan.judge(goneProcess() + "-" + SELF.startTicks())).as("an id without a namespace").isEqualTo(UNKNOWN);
        assertThat(scan.judge(id(SELF.pid(), SELF.startTicks() + 1)))
                .as("a live PID whose process started before the session claims: forged").isEqualTo(UNKNOWN);
        assertThat(scan.judge(id(1, 0))).as("PID 1 outlives its namespace").isNotEqualTo(DEAD);
        assertThat(scan.judge(id(1, 999_999_999))).isNotEqualTo(DEAD);
        assertThat(scan.judge("not-a-session")).isEqualTo(UNKNOWN);
        assertThat(scan.alive("not-a-session")).isTrue();
    }

    @Test
    void taggedProcessesBelongToTheirInnermostSession() throws Exception {
        try (Children children = new Children()) {
            String inner = id(goneProcess(), SELF.startTicks());
            Process p = tagged(children, id(SELF.pid(), SELF.startTicks()) + Session.SEPARATOR + inner);

            SessionScan scan = SessionScan.now(SELF.pid());

            List<TaggedProcess> owned = scan.byOwner().get(inner);
            assertThat(owned).extracting(TaggedProcess::pid).containsExactly(p.pid());
            assertThat(Sweep.leftovers(scan, inner)).extracting(t -> t.pid()).containsExactly(p.pid());
            assertThat(Sweep.leftovers(scan, id(SELF.pid(), SELF.startTicks()))).as("a live session's").isEmpty();
        }
    }

    @Test
    void aTagThatNoRealSessionCouldHaveGivenIsNoLeftover() throws Exception {
        try (Children children = new Children()) {
            long gone = goneProcess();
            Process malformed = tagged(children, "evil," + id(gone, SELF.startTicks()));
            Process foreign = tagged(children, gone + "-" + SELF.startTicks() + "-" + (VIEW.equals("000000000000") ? "000000000001" : "000000000000"));
            // tagged before its session started: a copied tag, not an inherited one
            String future = id(gone, ProcFs.stat(ProcFs.self().pid()).startTicks() + 1_000_000);
            Process early = tagged(children, future);

            SessionScan scan = SessionScan.deadSessions(SELF.pid());

            assertThat(scan.byOwner()).as("malformed and foreign tags are not even listed as dead")
                    .doesNotContainKey("evil").doesNotContainKey(gone + "-" + SELF.startTicks());
            List<Long> swept = Sweep.leftovers(scan, null).stream().map(t -> t.pid()).collect(java.util.stream.Collectors.toList());
            assertThat(swept).doesNotContain(malformed.pid(), foreign.pid(), early.pid());
        }
    }

    @Test
    void aProcessTaggedAfterItsSessionsPidWasTakenAgainIsNoLeftover() throws Exception {
        try (Children children = new Children()) {
            // a session that started with "leftover", whose PID a later process ("holder") took
            Process leftover = OwnSpawns.start(new ProcessBuilder("sh", "-c",
                    "read tag; export " + Session.TAG + "=\"$tag\"; exec sleep 600"));
            children.started().add(leftover);
            long sessionTicks = ProcFs.stat(leftover.pid()).startTicks();
            Children.await(Duration.ofSeconds(2), () -> ticksNow() > sessionTicks + 1);
            Process holder = children.start("sleep", "600");
            long holderTicks = ProcFs.stat(holder.pid()).startTicks();
            Children.await(Duration.ofSeconds(2), () -> ticksNow() > holderTicks + 1);
            String session = id(holder.pid(), sessionTicks);
            leftover.getOutputStream().write((session + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            leftover.getOutputStream().flush();
            Children.await(Duration.ofSeconds(5), () -> "sleep 600".equals(ProcFs.commandLine(leftover.pid())));
            Process after = tagged(children, session);

            SessionScan scan = SessionScan.deadSessions(SELF.pid());

            assertThat(scan.judge(session)).isEqualTo(DEAD);
            assertThat(Sweep.leftovers(scan, session)).as("tagged after the PID was taken again: not the session's")
                    .extracting(t -> t.pid()).containsExactly(leftover.pid());
            assertThat(after.isAlive()).isTrue();
        }
    }

    private static Process tagged(Children children, String tag) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("sleep", "600");
        if (tag != null) {
            builder.environment().put(Session.TAG, tag);
        }
        Process p = OwnSpawns.start(builder);
        children.started().add(p);
        Children.await(Duration.ofSeconds(5), () -> "sleep 600".equals(ProcFs.commandLine(p.pid())));
        return p;
    }

    private static long ticksNow() {
        return (long) (ProcClock.uptimeSeconds() * ProcClock.TICKS_PER_SECOND);
    }

    /** The PID of a process that has exited and been waited for. */
    private static long goneProcess() throws IOException, InterruptedException {
        Process p = OwnSpawns.start(new ProcessBuilder("true"));
        p.waitFor();
        return p.pid();
    }
}
