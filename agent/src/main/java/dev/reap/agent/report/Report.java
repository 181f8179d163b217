package dev.reap.agent.report;

import dev.reap.agent.reap.Outcome;
import dev.reap.agent.reap.ReapResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.List;

/** Writes {@code reap.report}: the session's reaping as JSON (schema in the README). */
public final class Report {
    private Report() {
    }

    /** The path with {@code %p} replaced by the JVM's PID. */
    public static Path path(String configured, long pid) {
        return Paths.get(configured.replace("%p", Long.toString(pid)));
    }

    /**
     * Writes the report of one reaping by {@code reaper} ({@code exit-hook}, {@code watchdog} or
     * {@code sweep}) for the session {@code sessionId} of the JVM {@code pid}; {@code earlier}:
     * what was reaped before in this session (when its JUnit tests ended, with {@code reap.scope=test}).
     */
    public static void write(Path path, String sessionId, long pid, String reaper, ReapResult result,
                             List<Outcome> excluded, List<Outcome> earlier) throws IOException {
        StringBuilder json = new StringBuilder(256);
        json.append("{\n  \"session\": ").append(quote(sessionId))
                .append(",\n  \"pid\": ").append(pid)
                .append(",\n  \"reapedBy\": ").append(quote(reaper))
                .append(",\n  \"endedAt\": ").append(quote(Instant.now().toString()))
                .append(",\n  \"elapsedMillis\": ").append(result.elapsedMillis())
                .append(",\n  \"processes\": [");
        boolean first = true;
        for (Outcome o : earlier) {
            first = append(json, o, first);
        }
        for (Outcome o : result.outcomes()) {
            first = append(json, o, first);
        }
        for (Outcome o : excluded) {
            first = append(json, o, first);
        }
        json.append(first ? "]\n}\n" : "\n  ]\n}\n");
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(path, json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static boolean append(StringBuilder json, Outcome o, boolean first) {
        Origin origin = (Origin) o.target().origin();
        json.append(first ? "\n" : ",\n").append("    {\"pid\": ").append(o.target().pid())
                .append(", \"command\": ").append(quote(o.target().commandLine()))
                .append(", \"origin\": ").append(quote(origin.kindName()))
                .append(", \"spawnedBy\": ").append(origin.spawnedBy() == 0 ? "null" : Long.toString(origin.spawnedBy()))
                .append(", \"spawnedAt\": ").append(origin.spawnedAtMillis() < 0 ? "null"
                        : quote(Instant.ofEpochMilli(origin.spawnedAtMillis()).toString()))
                .append(", \"site\": ").append(origin.site() == null ? "null" : quote(origin.site().toString()))
                .append(", \"session\": ").append(quote(origin.session()))
                .append(", \"test\": ").append(quote(origin.test()))
                .append(", \"outcome\": ").append(quote(o.kind().name().toLowerCase(java.util.Locale.ROOT)))
                .append(", \"signal\": ").append(o.signal() == null ? "null" : quote(o.signal().fullName()))
                .append(", \"afterMillis\": ").append(o.afterMillis())
                .append('}');
        return false;
    }

    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder q = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': q.append("\\\""); break;
                case '\\': q.append("\\\\"); break;
                case '\n': q.append("\\n"); break;
                case '\r': q.append("\\r"); break;
                case '\t': q.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        q.append(String.format("\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
            }
        }
        return q.append('"').toString();
    }
}
