package dev.reap.agent.shutdown;

import dev.reap.agent.reap.Outcome;
import dev.reap.agent.reap.ReapResult;
import dev.reap.agent.session.Child;
import dev.reap.agent.session.Session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.List;

/** Writes {@code reap.report}: the session's reaping as JSON (schema in the README). */
final class Report {
    private Report() {
    }

    /** The path with {@code %p} replaced by the JVM's PID. */
    static Path path(String configured, long pid) {
        return Paths.get(configured.replace("%p", Long.toString(pid)));
    }

    static void write(Path path, Session session, ReapResult result, List<Outcome> excluded) throws IOException {
        StringBuilder json = new StringBuilder(256);
        json.append("{\n  \"session\": ").append(quote(session.id()))
                .append(",\n  \"pid\": ").append(session.pid())
                .append(",\n  \"endedAt\": ").append(quote(Instant.now().toString()))
                .append(",\n  \"elapsedMillis\": ").append(result.elapsedMillis())
                .append(",\n  \"processes\": [");
        boolean first = true;
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
        Child recorded = origin.recorded();
        json.append(first ? "\n" : ",\n").append("    {\"pid\": ").append(o.target().pid())
                .append(", \"command\": ").append(quote(o.target().commandLine()))
                .append(", \"origin\": ").append(quote(origin.kindName()))
                .append(", \"spawnedBy\": ").append(recorded == null ? "null" : Long.toString(recorded.pid()))
                .append(", \"spawnedAt\": ").append(recorded == null ? "null"
                        : quote(Instant.ofEpochMilli(recorded.spawnedAtMillis()).toString()))
                .append(", \"site\": ").append(recorded == null || !recorded.site().known() ? "null"
                        : quote(recorded.site().toString()))
                .append(", \"outcome\": ").append(quote(o.kind().name().toLowerCase(java.util.Locale.ROOT)))
                .append(", \"signal\": ").append(o.signal() == null ? "null" : quote(o.signal().fullName()))
                .append(", \"afterMillis\": ").append(o.afterMillis())
                .append('}');
        return false;
    }

    static String quote(String s) {
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
