package dev.reap.agent.report;

import dev.reap.agent.reap.Origin;
import dev.reap.agent.reap.Outcome;
import dev.reap.agent.reap.ReapResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes {@code reap.report}: the session's reaping as JSON (schema in the README). */
public final class Report {
    private Report() {
    }

    /** The path with {@code %p} replaced by the JVM's PID. */
    public static Path path(String configured, long pid) {
        return Paths.get(configured.replace("%p", Long.toString(pid)));
    }

    /**
     * Writes the report of one reaping by {@code reaper} ({@code exit-hook}, {@code watchdog})
     * for the session {@code sessionId} of the JVM {@code pid}; {@code earlier}: what was reaped
     * before in this session (when its JUnit tests ended, with {@code reap.scope=test}).
     */
    public static void write(Path path, String sessionId, long pid, String reaper, ReapResult result,
                             List<Outcome> excluded, List<Outcome> earlier) throws IOException {
        List<Outcome> all = new ArrayList<>(earlier);
        all.addAll(result.outcomes());
        all.addAll(excluded);
        // in spawn order: by start time, as the kernel has it (the reap ends them in another)
        all.sort(new SpawnOrder());
        List<Object> processes = new ArrayList<>();
        for (Outcome o : all) {
            processes.add(process(o, pid));
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("session", sessionId);
        report.put("pid", pid);
        report.put("reapedBy", reaper);
        report.put("endedAt", Instant.now().toString());
        report.put("elapsedMillis", result.elapsedMillis());
        report.put("processes", processes);
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(path, Json.write(report).getBytes(StandardCharsets.UTF_8));
    }

    /** By start time, then PID (no lambda: this runs in the exit hook). */
    private static final class SpawnOrder implements Comparator<Outcome> {
        @Override
        public int compare(Outcome a, Outcome b) {
            int byStart = Long.compare(a.target().startTicks(), b.target().startTicks());
            return byStart != 0 ? byStart : Long.compare(a.target().pid(), b.target().pid());
        }
    }

    /** {@code jvm}: the session's JVM, which spawned its children. */
    private static Map<String, Object> process(Outcome o, long jvm) {
        Origin origin = o.target().origin();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("pid", o.target().pid());
        p.put("command", o.target().commandLine());
        p.put("origin", origin.kindName());
        p.put("spawnedBy", origin.kind() == Origin.Kind.CHILD ? Long.valueOf(jvm)
                : origin.spawnedBy() == 0 ? null : Long.valueOf(origin.spawnedBy()));
        p.put("spawnedAt", origin.spawnedAtMillis() < 0 ? null : Instant.ofEpochMilli(origin.spawnedAtMillis()).toString());
        p.put("site", origin.site() == null ? null : origin.site().toString());
        p.put("session", origin.session());
        p.put("test", origin.test());
        p.put("outcome", o.kind().name().toLowerCase(Locale.ROOT));
        p.put("signal", o.signal() == null ? null : o.signal().fullName());
        p.put("afterMillis", o.afterMillis());
        return p;
    }
}
