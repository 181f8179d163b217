package dev.reap.agent.report;

import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.reap.Ladder;
import dev.reap.agent.reap.Origin;
import dev.reap.agent.reap.ReapResult;
import dev.reap.agent.reap.Reaper;
import dev.reap.agent.reap.Signal;
import dev.reap.agent.reap.Target;
import dev.reap.agent.session.Child;
import dev.reap.agent.session.SpawnSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code reap.report} file, written from a real reaping. */
class ReportTest {
    @Test
    @SuppressWarnings("unchecked")
    void aChildIsSpawnedByTheJvmRowsAreInSpawnOrderAndTheFileEndsInANewline(@TempDir Path dir) throws Exception {
        Process sleep = new ProcessBuilder("sleep", "600").start();
        Process tagged = new ProcessBuilder("sleep", "601").start();
        try {
            Child child = new Child(sleep, List.of("sleep", "600"), System.currentTimeMillis(), SpawnSite.UNKNOWN, null);
            Target target = Target.child(sleep, ProcFs.stat(sleep.pid()).startTicks(), "sleep 600", Origin.child(child));
            Target daemon = Target.proc(tagged.pid(), ProcFs.stat(tagged.pid()).startTicks(), "sleep 601",
                    Origin.taggedBy(null));
            // reaped in the other order: the report still lists them as they were spawned
            ReapResult result = new Reaper().reap(List.of(daemon, target), new Ladder(List.of(Signal.TERM, Signal.KILL),
                    Duration.ofSeconds(1)));
            Path file = dir.resolve("report.json");

            Report.write(file, "4242-1-0123456789ab", 4242, "exit-hook", result, List.of(), List.of());

            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            assertThat(text).endsWith("}\n").doesNotEndWith("\n\n");
            List<Map<String, Object>> processes = (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(text))
                    .get("processes");
            assertThat(processes.get(0)).containsEntry("pid", sleep.pid()).containsEntry("origin", "child")
                    .containsEntry("spawnedBy", 4242L).containsEntry("outcome", "ended");
            assertThat(processes.get(1)).containsEntry("pid", tagged.pid()).containsEntry("origin", "tagged")
                    .containsEntry("spawnedBy", null);
        } finally {
            sleep.destroyForcibly().waitFor();
            tagged.destroyForcibly().waitFor();
        }
    }

    @Test
    void onlyTheFileNamesPercentPIsThePid() {
        assertThat(Report.path("/work/100%pure/target/reap-%p.json", 42).toString()).isEqualTo("/work/100%pure/target/reap-42.json");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theWatchdogsReportKeepsWhatAHaltedExitHadPendingAsLeftBehindWithItsTest(@TempDir Path dir) throws Exception {
        Process a = new ProcessBuilder("sleep", "600").start();
        Process b = new ProcessBuilder("sleep", "601").start();
        long ticksA = ProcFs.stat(a.pid()).startTicks();
        Path file = dir.resolve("report.json");
        String session = "4242-1-0123456789ab";
        Report.writeUnderWay(file, session, 4242, "exit-hook", List.of(
                Target.child(a, ticksA, "sleep 600", Origin.child(new Child(a, List.of("sleep", "600"), 0, SpawnSite.UNKNOWN, "T#a()"))),
                Target.child(b, ProcFs.stat(b.pid()).startTicks(), "sleep 601",
                        Origin.child(new Child(b, List.of("sleep", "601"), 0, SpawnSite.UNKNOWN, "T#b()")))), List.of(), List.of());
        // the JVM was halted there; both ended before the watchdog looked: it finds one gone, the other not at all
        a.destroyForcibly().waitFor();
        b.destroyForcibly().waitFor();
        ReapResult result = new Reaper().reap(List.of(Target.proc(a.pid(), ticksA, "sleep 600", Origin.recorded(a.pid()))),
                new Ladder(List.of(Signal.TERM, Signal.KILL), Duration.ofSeconds(1)));

        Report.write(file, session, 4242, "watchdog", result, List.of(), List.of());

        List<Map<String, Object>> processes = (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(
                new String(Files.readAllBytes(file), StandardCharsets.UTF_8))).get("processes");
        assertThat(processes).hasSize(2);
        assertThat(processes.get(0)).containsEntry("pid", a.pid()).containsEntry("outcome", "pending").containsEntry("test", "T#a()");
        assertThat(processes.get(1)).containsEntry("pid", b.pid()).containsEntry("outcome", "pending").containsEntry("test", "T#b()");
    }
}
