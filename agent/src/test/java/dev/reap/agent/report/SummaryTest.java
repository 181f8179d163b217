package dev.reap.agent.report;

import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.reap.Ladder;
import dev.reap.agent.reap.Origin;
import dev.reap.agent.reap.ReapResult;
import dev.reap.agent.reap.Reaper;
import dev.reap.agent.reap.Signal;
import dev.reap.agent.reap.Target;
import dev.reap.agent.testing.Children;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The one line a reap ends with, for real reaps of real children. */
class SummaryTest {
    private final Children children = new Children();

    @AfterEach
    void cleanUp() {
        children.close();
    }

    private static Target target(Process p) {
        return Target.child(p, ProcFs.stat(p.pid()).startTicks(), "sleep 600", Origin.recorded(p.pid()));
    }

    @Test
    void countsEachRungAndNamesTheOldest() throws Exception {
        Process oldest = children.start("sleep", "600");
        Process stubborn = children.shReady("trap '' INT TERM; echo ready; while :; do sleep 1; done");
        ReapResult result = new Reaper().reap(List.of(target(oldest), target(stubborn)),
                new Ladder(List.of(Signal.INT, Signal.TERM, Signal.KILL), Duration.ofMillis(100)));

        assertThat(Summary.reaped(result)).matches("reaped 2 processes: 1 on SIGINT, 1 on SIGKILL after \\d+ms; "
                + "oldest: pid " + oldest.pid() + " 'sleep 600' spawned by the host");
        assertThat(Summary.survivors(result)).as("none survived").isNull();
    }

    @Test
    void saysNothingWhenNothingWasReaped() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        ReapResult result = new Reaper().reap(List.of(Target.child(gone, -1, "true", Origin.recorded(gone.pid()))),
                new Ladder(List.of(Signal.INT, Signal.KILL), Duration.ofMillis(100)));
        assertThat(Summary.reaped(result)).isNull();
        assertThat(Summary.survivors(result)).isNull();
    }

    @Test
    void aCommandLineStaysOneShortLine() {
        assertThat(Summary.oneLine("python3 -c 'import os\n\tos.fork()'")).isEqualTo("python3 -c 'import os  os.fork()'");
        assertThat(Summary.oneLine("x".repeat(200))).hasSize(123).endsWith("...");
        assertThat(Summary.oneLine(null)).isEqualTo("?");
    }
}
