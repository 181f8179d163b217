package dev.reap.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The processes a {@code ZooHost} reported, named by PID and start time, and checks on them. */
public final class Zoo {
    /** Every kind, and the kinds that record the signals they see (the others ignore SIGINT or cannot). */
    public static final List<String> KINDS = List.of("plain", "deaf", "recorder", "grandchild", "daemon", "jvm");
    public static final List<String> RECORDING = List.of("recorder", "grandchild", "daemon", "jvm");

    private final Host host;
    private final Path dir;
    private final Map<String, long[]> spawned = new LinkedHashMap<>();

    private Zoo(Host host, Path dir) {
        this.host = host;
        this.dir = dir;
    }

    /** Reads the host's report up to {@code ready} and checks that everything it spawned is alive. */
    public static Zoo ready(Host host, Path dir, List<String> kinds) throws InterruptedException {
        Zoo zoo = new Zoo(host, dir);
        host.spawned().forEach((kind, pid) -> zoo.spawned.put(kind, new long[] {pid, Proc.startTicks(pid)}));
        assertThat(zoo.spawned.keySet()).containsAll(kinds);
        zoo.spawned.forEach((kind, p) -> assertThat(Proc.alive(p[0], p[1])).as("%s alive before the end", kind).isTrue());
        return zoo;
    }

    /**
     * Asks the host for a further batch of {@code kinds} ({@code ZooHost}'s {@code more}), reads
     * them up to {@code ready} and checks they are alive; they are named {@code <kind>@<batch>}.
     */
    public void more(List<String> kinds) throws IOException, InterruptedException {
        host.send("more " + String.join(" ", kinds));
        for (Map.Entry<String, Long> e : host.spawned().entrySet()) {
            long ticks = Proc.startTicks(e.getValue());
            spawned.put(e.getKey(), new long[] {e.getValue(), ticks});
            assertThat(Proc.alive(e.getValue(), ticks)).as("%s alive", e.getKey()).isTrue();
        }
    }

    /** Every process ends within {@code bound}. */
    public void allEndWithin(Duration bound) throws InterruptedException {
        for (Map.Entry<String, long[]> e : spawned.entrySet()) {
            long[] p = e.getValue();
            assertThat(HostTest.eventually(bound, () -> !Proc.alive(p[0], p[1])))
                    .as("%s (pid %d) survived its JVM; stderr:%n%s", e.getKey(), p[0], host.stderr()).isTrue();
        }
    }

    /** Each recording kind saw SIGINT first. */
    public void sigintCameFirst() throws IOException {
        for (String kind : spawned.keySet()) {
            if (!RECORDING.contains(kind.split("@")[0])) {
                continue;
            }
            List<String> seen = Files.readAllLines(dir.resolve(kind));
            assertThat(seen).as("signals %s saw; stderr:%n%s", kind, host.stderr()).isNotEmpty();
            assertThat(seen.get(0)).as("first signal %s saw", kind).isEqualTo("INT");
        }
    }

    /** Ends the processes still alive: for a test that expects survivors. */
    public void endSurvivors() {
        Proc.end(alive());
    }

    /** The PIDs still alive (for a test that expects survivors and must then end them itself). */
    public List<Long> alive() {
        return spawned.values().stream().filter(p -> Proc.alive(p[0], p[1])).map(p -> p[0]).collect(java.util.stream.Collectors.toList());
    }
}
