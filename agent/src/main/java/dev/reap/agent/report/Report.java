package dev.reap.agent.report;

import dev.reap.agent.reap.Origin;
import dev.reap.agent.reap.Outcome;
import dev.reap.agent.reap.ReapResult;
import dev.reap.agent.reap.Signal;
import dev.reap.agent.reap.Target;

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

    /** The path with {@code %p} in its file name replaced by the JVM's PID (a directory may be called {@code 100%pure}). */
    public static Path path(String configured, long pid) {
        int name = Math.max(configured.lastIndexOf('/'), configured.lastIndexOf(java.io.File.separatorChar)) + 1;
        return Paths.get(configured.substring(0, name) + configured.substring(name).replace("%p", Long.toString(pid)));
    }

    /**
     * Writes the report of one reaping by {@code reaper} ({@code exit-hook}, {@code watchdog})
     * for the session {@code sessionId} of the JVM {@code pid}; {@code earlier}: what was reaped
     * before in this session (when its JUnit tests ended, with {@code reap.scope=test}).
     */
    public static void write(Path path, String sessionId, long pid, String reaper, ReapResult result,
                             List<Outcome> excluded, List<Outcome> earlier) throws IOException {
        List<Row> rows = rows(excluded, earlier);
        for (Outcome o : result.outcomes()) {
            rows.add(Row.of(o));
        }
        write(path, sessionId, pid, reaper, result.elapsedMillis(), rows);
    }

    /**
     * Before the ladder: the report with every target {@code pending}, written over once the reap
     * is done. A JVM stopped in between (a runner's exit timeout halts it) leaves this one, which
     * says what was alive at its end and not seen to end.
     */
    public static void writeUnderWay(Path path, String sessionId, long pid, String reaper, List<Target> targets,
                                     List<Outcome> excluded, List<Outcome> earlier) throws IOException {
        List<Row> rows = rows(excluded, earlier);
        for (Target t : targets) {
            rows.add(new Row(t, "pending", null, -1));
        }
        write(path, sessionId, pid, reaper, -1, rows);
    }

    private static List<Row> rows(List<Outcome> excluded, List<Outcome> earlier) {
        List<Row> rows = new ArrayList<>();
        for (List<Outcome> outcomes : List.of(earlier, excluded)) {
            for (Outcome o : outcomes) {
                rows.add(Row.of(o));
            }
        }
        return rows;
    }

    private static void write(Path path, String sessionId, long pid, String reaper, long elapsedMillis, List<Row> rows)
            throws IOException {
        // in spawn order: by start time, as the kernel has it (the reap ends them in another)
        rows.sort(new SpawnOrder());
        // only the watchdog needs what the exit hook wrote: the exit hook itself knows it all
        Map<Object, ReportFile.Row> before = "watchdog".equals(reaper) ? written(path, sessionId) : Map.of();
        List<Object> processes = new ArrayList<>();
        java.util.Set<Object> listed = new java.util.HashSet<>();
        for (Row row : rows) {
            ReportFile.Row earlier = before.get(row.target.pid());
            Map<String, Object> json = row.json(pid, earlier);
            // alive when its JVM was halted, gone by the time the watchdog looked: it ended unseen
            if (earlier != null && "pending".equals(earlier.outcome()) && "gone".equals(json.get("outcome"))) {
                json.put("outcome", "pending");
            }
            processes.add(json);
            listed.add(row.target.pid());
        }
        for (ReportFile.Row earlier : before.values()) {
            if ("pending".equals(earlier.outcome()) && !listed.contains(earlier.pid())) {
                // not even found by the watchdog: it ended unseen too, and was left behind all the same
                processes.add(earlier.fields());
            }
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("session", sessionId);
        report.put("pid", pid);
        report.put("reapedBy", reaper);
        report.put("endedAt", elapsedMillis < 0 ? null : Instant.now().toString());
        report.put("elapsedMillis", elapsedMillis < 0 ? null : Long.valueOf(elapsedMillis));
        report.put("processes", processes);
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(path, Json.write(report).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The rows of the report {@code path} holds for the same session, by PID: the exit hook's,
     * written before its ladder, when its JVM was halted during it. The watchdog, reaping after
     * that, knows no tests nor sites, and takes them from there. Empty when there is none.
     */
    private static Map<Object, ReportFile.Row> written(Path path, String sessionId) {
        Map<Object, ReportFile.Row> rows = new java.util.HashMap<>();
        if (!Files.isRegularFile(path)) {
            return rows;
        }
        try {
            ReportFile report = ReportFile.read(path);
            if (sessionId.equals(report.session())) {
                for (ReportFile.Row row : report.processes()) {
                    rows.put(row.pid(), row);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not a report of ours to take anything from
        }
        return rows;
    }

    /** By start time, then PID (no lambda: this runs in the exit hook). */
    private static final class SpawnOrder implements Comparator<Row> {
        @Override
        public int compare(Row a, Row b) {
            int byStart = Long.compare(a.target.startTicks(), b.target.startTicks());
            return byStart != 0 ? byStart : Long.compare(a.target.pid(), b.target.pid());
        }
    }

    /** One process's row: the target, and how it ended ({@code pending}: not yet). */
    private static final class Row {
        final Target target;
        final String outcome;
        final Signal signal;
        final long afterMillis;

        Row(Target target, String outcome, Signal signal, long afterMillis) {
            this.target = target;
            this.outcome = outcome;
            this.signal = signal;
            this.afterMillis = afterMillis;
        }

        static Row of(Outcome o) {
            return new Row(o.target(), o.kind().name().toLowerCase(Locale.ROOT), o.signal(), o.afterMillis());
        }

        /** {@code jvm}: the session's JVM, which spawned its children; {@code before}: its row in an earlier report, or null. */
        Map<String, Object> json(long jvm, ReportFile.Row before) {
            Origin origin = target.origin();
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("pid", target.pid());
            p.put("command", target.commandLine());
            p.put("origin", origin.kindName());
            p.put("spawnedBy", origin.kind() == Origin.Kind.CHILD ? Long.valueOf(jvm)
                    : origin.spawnedBy() == 0 ? null : Long.valueOf(origin.spawnedBy()));
            p.put("spawnedAt", origin.spawnedAtMillis() < 0 ? null : Instant.ofEpochMilli(origin.spawnedAtMillis()).toString());
            String site = origin.site() == null ? null : origin.site().toString();
            p.put("site", site == null && before != null ? before.site() : site);
            p.put("session", origin.session());
            p.put("test", origin.test() == null && before != null ? before.test() : origin.test());
            p.put("outcome", outcome);
            p.put("signal", signal == null ? null : signal.fullName());
            p.put("afterMillis", afterMillis < 0 ? null : Long.valueOf(afterMillis));
            return p;
        }
    }
}
