package dev.reap.agent.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A {@code reap.report} file read back (by the {@code report} command and the Maven plugin's {@code check}). */
public final class ReportFile {
    private final Map<String, Object> report;
    private final List<Row> processes;

    private ReportFile(Map<String, Object> report, List<Row> processes) {
        this.report = report;
        this.processes = processes;
    }

    /**
     * Reads one; an {@link IOException} when it cannot be read ({@link java.nio.file.NoSuchFileException}
     * when missing), an {@link IllegalArgumentException} when it is no report.
     */
    @SuppressWarnings("unchecked")
    public static ReportFile read(Path path) throws IOException {
        Object parsed = Json.parse(new String(Files.readAllBytes(path), StandardCharsets.UTF_8));
        if (!(parsed instanceof Map) || !(((Map<String, Object>) parsed).get("processes") instanceof List)) {
            throw new IllegalArgumentException("no \"processes\" list");
        }
        Map<String, Object> report = (Map<String, Object>) parsed;
        List<Row> rows = new ArrayList<>();
        for (Object o : (List<Object>) report.get("processes")) {
            if (o instanceof Map) {
                rows.add(new Row((Map<String, Object>) o));
            }
        }
        return new ReportFile(report, Collections.unmodifiableList(rows));
    }

    public Object pid() {
        return report.get("pid");
    }

    public Object session() {
        return report.get("session");
    }

    public Object reapedBy() {
        return report.get("reapedBy");
    }

    public List<Row> processes() {
        return processes;
    }

    /** One reaped process. */
    public static final class Row {
        private final Map<String, Object> fields;

        Row(Map<String, Object> fields) {
            this.fields = fields;
        }

        public Object pid() {
            return fields.get("pid");
        }

        /** Every field as the report has it. */
        public Map<String, Object> fields() {
            return Collections.unmodifiableMap(fields);
        }

        public String command() {
            return Objects.toString(fields.get("command"), null);
        }

        /** The test that spawned it ({@code Class#method()}), or null. */
        public String test() {
            return Objects.toString(fields.get("test"), null);
        }

        /** The spawn site ({@code Class.method(File.java:12)}), or null. */
        public String site() {
            return Objects.toString(fields.get("site"), null);
        }

        /**
         * {@code ended}, {@code gone}, {@code survived}, {@code excluded}, or {@code pending}: alive at
         * its JVM's end and not seen to end (the JVM was stopped during its reap).
         */
        public String outcome() {
            return String.valueOf(fields.get("outcome"));
        }

        public String signal() {
            return Objects.toString(fields.get("signal"), null);
        }

        /** How it ended, for a table: {@code SIGINT 12ms}, or the outcome. */
        public String ended() {
            return outcome().equals("ended") ? signal() + " " + fields.get("afterMillis") + "ms" : outcome();
        }

        /** It needed SIGKILL, or survived it, or its end was not seen (a pending one outlasted the polite signals its JVM had time for). */
        public boolean forced() {
            return outcome().equals("survived") || outcome().equals("pending") || outcome().equals("ended") && "SIGKILL".equals(signal());
        }

        /** It was alive when its test or its JVM ended, and the agent had to end it (or could not, or was stopped first). */
        public boolean leaked() {
            return outcome().equals("ended") || outcome().equals("survived") || outcome().equals("pending");
        }
    }
}
