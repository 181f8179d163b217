package dev.reap.it;

import dev.reap.bench.Benchmarks;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark harness still runs, with tiny sizes. It asserts that every figure was printed,
 * never what it was: benchmarks are not tests.
 */
class BenchmarksSmokeTest {
    @Test
    void everyBenchmarkRunsAndPrintsItsFigure() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Benchmarks.main(new String[] {"--quick"});
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        original.print(out);
        assertThat(out).contains("machine: ").contains("noop-agent").contains("reap-agent").contains("javac, never spawns")
                .contains("spawns of true").contains("cooperative children just spawned")
                .contains("cooperative children that lived 500 ms").contains("never exiting, grace=1s")
                .contains("ignoring SIGINT").contains("watchdog").contains("sweep scan");
    }
}
