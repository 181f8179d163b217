package dev.reap.agent.reap;

import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.testing.Children;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The ladder against real children. */
class ReaperTest {
    private static final Ladder DEFAULT_LADDER = new Ladder(List.of(Signal.INT, Signal.TERM, Signal.KILL), Duration.ofSeconds(5));

    private final Children children = new Children();
    private final Reaper reaper = new Reaper();

    @AfterEach
    void cleanUp() {
        children.close();
    }

    private static Target child(Process p) {
        return Target.child(p, ticks(p.pid()), "test child", null);
    }

    private static long ticks(long pid) {
        ProcStat stat = ProcFs.stat(pid);
        return stat == null ? -1 : stat.startTicks();
    }

    @Test
    void cooperativeChildEndsOnSigintWithinMilliseconds() throws Exception {
        Process sleep = children.start("sleep", "300");
        ReapResult result = reaper.reap(List.of(child(sleep)), DEFAULT_LADDER);
        Outcome o = result.of(sleep.pid());
        assertThat(o.kind()).isEqualTo(Outcome.Kind.ENDED);
        assertThat(o.signal()).isEqualTo(Signal.INT);
        assertThat(o.afterMillis()).as("exit events, not a poll interval").isLessThan(1_000);
        // the reap ends once the child is a zombie; the JDK's reaper thread notices soon after
        assertThat(sleep.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(sleep.exitValue()).as("killed by SIGINT").isEqualTo(128 + 2);
    }

    @Test
    void interruptIgnoringChildGetsTermWithoutWaiting() throws IOException {
        Process deaf = children.sh("trap '' INT; exec sleep 300");
        awaitIgnores(deaf.pid(), Signal.INT);
        ReapResult result = reaper.reap(List.of(child(deaf)), DEFAULT_LADDER);
        Outcome o = result.of(deaf.pid());
        assertThat(o.signal()).isEqualTo(Signal.TERM);
        assertThat(o.afterMillis()).as("the 5s grace of the INT rung is not wasted").isLessThan(2_000);
    }

    /** The exit hook's snapshot has read what a child ignores: the first rung goes by that, with no read of its own. */
    @Test
    void whatASnapshotSawAChildIgnoreDecidesTheFirstRung() throws IOException {
        Process sleep = children.start("sleep", "300");
        ProcStat seenIgnoringInt = new ProcStat(sleep.pid(), ProcessHandle.current().pid(), 'S', ticks(sleep.pid()),
                1L << (Signal.INT.number() - 1));
        ReapResult result = reaper.reap(List.of(Target.child(sleep, seenIgnoringInt, "sleep 300", null)), DEFAULT_LADDER);
        assertThat(result.of(sleep.pid()).signal()).as("INT skipped as the snapshot said").isEqualTo(Signal.TERM);
    }

    @Test
    void childIgnoringIntAndTermIsKilledAtOnce() throws IOException {
        Process deaf = children.sh("trap '' INT TERM; exec sleep 300");
        awaitIgnores(deaf.pid(), Signal.TERM);
        ReapResult result = reaper.reap(List.of(child(deaf)), DEFAULT_LADDER);
        Outcome o = result.of(deaf.pid());
        assertThat(o.signal()).isEqualTo(Signal.KILL);
        assertThat(o.afterMillis()).isLessThan(2_000);
        assertThat(result.neededForce()).isTrue();
    }

    @Test
    void childHandlingBothPoliteSignalsGetsTheFullGraceOnEachRungThenKill(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("signals");
        Process stubborn = children.shReady("trap 'echo INT >> " + log + "' INT; trap 'echo TERM >> " + log + "' TERM;"
                + " echo ready; while :; do sleep 0.05; done");
        Ladder ladder = new Ladder(List.of(Signal.INT, Signal.TERM, Signal.KILL), Duration.ofMillis(600));
        ReapResult result = reaper.reap(List.of(child(stubborn)), ladder);
        Outcome o = result.of(stubborn.pid());
        assertThat(o.signal()).isEqualTo(Signal.KILL);
        assertThat(o.afterMillis()).as("two full graces before KILL").isGreaterThanOrEqualTo(1_200);
        assertThat(Files.readAllLines(log)).containsExactly("INT", "TERM");
    }

    @Test
    void aRecordedPidWhoseStartTimeChangedIsNeverSignalled() throws Exception {
        Process bystander = children.start("sleep", "300");
        long wrongTicks = ticks(bystander.pid()) - 1;
        Target stale = Target.proc(bystander.pid(), wrongTicks, "an older process that had this PID", null);
        ReapResult result = reaper.reap(List.of(stale), DEFAULT_LADDER);
        assertThat(result.of(bystander.pid()).kind()).isEqualTo(Outcome.Kind.GONE);
        assertThat(Children.await(Duration.ofMillis(300), () -> !bystander.isAlive()))
                .as("the process now holding the PID was not signalled").isFalse();
    }

    @Test
    void nonChildrenAreFoundByPidAndStartTime() throws Exception {
        Process parent = children.shReady("sleep 300 & echo ready; wait");
        long grandchild = awaitOnlyChild(parent);
        Target t = Target.proc(grandchild, ticks(grandchild), "sleep 300", null);
        ReapResult result = reaper.reap(List.of(t), DEFAULT_LADDER);
        // a background job of a non-interactive shell ignores SIGINT: TERM at once
        assertThat(result.of(grandchild).signal()).isEqualTo(Signal.TERM);
        assertThat(result.of(grandchild).afterMillis()).isLessThan(2_000);
    }

    @Test
    void manyChildrenAreSignalledTogether() throws IOException {
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            targets.add(child(children.start("sleep", "300")));
        }
        ReapResult result = reaper.reap(targets, DEFAULT_LADDER);
        assertThat(result.endedBySignal()).containsEntry(Signal.INT, 50);
        assertThat(result.elapsedMillis()).as("one rung for all, not one grace each").isLessThan(5_000);
    }

    @Test
    void alreadyExitedTargetsAreGoneAndNotSignalled() throws Exception {
        Process quick = children.start("true");
        quick.waitFor();
        ReapResult result = reaper.reap(List.of(Target.child(quick, -1, "true", null)), DEFAULT_LADDER);
        assertThat(result.of(quick.pid()).kind()).isEqualTo(Outcome.Kind.GONE);
        assertThat(result.neededForce()).isFalse();
    }

    private static void awaitIgnores(long pid, Signal signal) {
        try {
            assertThat(Children.await(Duration.ofSeconds(5),
                    () -> (ProcFs.ignoredSignals(pid) >>> (signal.number() - 1) & 1) != 0)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static long awaitOnlyChild(Process parent) throws InterruptedException {
        long[] found = new long[1];
        assertThat(Children.await(Duration.ofSeconds(5), () -> {
            found[0] = parent.children().mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
            return found[0] > 0 && "sleep".equals(commandName(found[0]));
        })).isTrue();
        return found[0];
    }

    private static String commandName(long pid) {
        String line = ProcFs.commandLine(pid);
        return line == null ? null : line.split(" ")[0];
    }
}
