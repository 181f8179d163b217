package dev.reap.agent.cli;

import dev.reap.agent.report.Json;
import dev.reap.agent.report.Summary;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code report FILE...}: a human summary of one or many {@code reap.report} files, for a CI
 * step after the build. Exit 1 when any reported process needed SIGKILL or survived it.
 */
final class ReportCommand {
    static final String USAGE = "report FILE...";
    /** Where a command line is cut in the table. */
    private static final int COMMAND_WIDTH = 80;

    private final PrintStream out;
    private final PrintStream err;

    ReportCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) {
        if (args.length == 0) {
            err.println("reap-agent report: no report given; usage: " + USAGE + " (the files reap.report wrote)");
            return Main.USAGE;
        }
        if (args[0].equals("--help") || args[0].equals("-h")) {
            out.println("usage: java -jar reap-agent.jar " + USAGE);
            out.println("Summarises reap.report files: per JVM, what was reaped, by which signal, spawned where and");
            out.println("by which test. Exit status: 0 all ended politely (or nothing was left), 1 some process");
            out.println("needed SIGKILL or survived it, 2 usage (a file that is missing or is no report).");
            return Main.OK;
        }
        List<Map<String, Object>> reports = new ArrayList<>();
        List<Path> paths = new ArrayList<>();
        List<String> files = expanded(args);
        if (files.isEmpty()) {
            // a pattern the shell left as it was (no file matched): no JVM wrote a report there
            out.println("no report matches " + String.join(" ", args) + ": nothing was reaped there");
            return Main.OK;
        }
        for (String arg : files) {
            Path path = Paths.get(arg);
            try {
                reports.add(read(path));
                paths.add(path);
            } catch (NoSuchFileException e) {
                err.println("reap-agent report: no such file " + arg);
                return Main.USAGE;
            } catch (IOException | RuntimeException e) {
                err.println("reap-agent report: " + arg + " is not a reap.report file (" + e.getMessage() + ")");
                return Main.USAGE;
            }
        }
        int processes = 0;
        int polite = 0;
        int forced = 0;
        int survived = 0;
        int excluded = 0;
        for (int i = 0; i < reports.size(); i++) {
            Map<String, Object> report = reports.get(i);
            List<Map<String, Object>> list = processes(report);
            out.println(paths.get(i) + ": JVM " + report.get("pid") + " (session " + report.get("session") + "), reaped by "
                    + report.get("reapedBy") + ", " + list.size() + (list.size() == 1 ? " process" : " processes"));
            if (list.isEmpty()) {
                continue;
            }
            Table table = new Table("  ", "PID", "ENDED", "TEST", "COMMAND  (SPAWNED AT)");
            for (Map<String, Object> p : list) {
                processes++;
                String outcome = String.valueOf(p.get("outcome"));
                Object signal = p.get("signal");
                String ended;
                if (outcome.equals("ended")) {
                    ended = signal + " " + p.get("afterMillis") + "ms";
                    if ("SIGKILL".equals(signal)) {
                        forced++;
                    } else {
                        polite++;
                    }
                } else {
                    ended = outcome;
                    if (outcome.equals("survived")) {
                        survived++;
                    } else if (outcome.equals("excluded")) {
                        excluded++;
                    } else {
                        polite++;
                    }
                }
                Object site = p.get("site");
                String command = Summary.oneLine(Objects.toString(p.get("command"), null), COMMAND_WIDTH);
                table.row(p.get("pid"), ended, p.get("test"), command + (site == null ? "" : "  (" + site + ")"));
            }
            table.print(out);
        }
        out.println(reports.size() + (reports.size() == 1 ? " report, " : " reports, ") + processes
                + (processes == 1 ? " process: " : " processes: ") + polite + " ended politely, " + forced + " needed SIGKILL, "
                + survived + " survived it, " + excluded + " excluded");
        return forced > 0 || survived > 0 ? Main.LEFT_SOMETHING : Main.OK;
    }

    /**
     * The files named: a name with {@code *}, {@code ?} or {@code [} (a pattern the shell did not
     * expand, or quoted) stands for the files of its directory it matches, in name order, and for
     * none when none does.
     */
    private static List<String> expanded(String[] args) {
        List<String> files = new ArrayList<>();
        for (String arg : args) {
            Path path = Paths.get(arg);
            String name = path.getFileName() == null ? "" : path.getFileName().toString();
            boolean pattern = name.indexOf('*') >= 0 || name.indexOf('?') >= 0 || name.indexOf('[') >= 0;
            if (!pattern || Files.exists(path)) {
                files.add(arg);
                continue;
            }
            Path dir = path.getParent() == null ? Paths.get(".") : path.getParent();
            PathMatcher matcher = dir.getFileSystem().getPathMatcher("glob:" + name);
            File[] entries = dir.toFile().listFiles();
            List<String> matched = new ArrayList<>();
            for (File entry : entries == null ? new File[0] : entries) {
                if (entry.isFile() && matcher.matches(Paths.get(entry.getName()))) {
                    matched.add(entry.getPath());
                }
            }
            Collections.sort(matched);
            files.addAll(matched);
        }
        return files;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(Path path) throws IOException {
        Object parsed = Json.parse(new String(Files.readAllBytes(path), StandardCharsets.UTF_8));
        if (!(parsed instanceof Map) || !(((Map<String, Object>) parsed).get("processes") instanceof List)) {
            throw new IllegalArgumentException("no \"processes\" list");
        }
        return (Map<String, Object>) parsed;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> processes(Map<String, Object> report) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Object o : (List<Object>) report.get("processes")) {
            if (o instanceof Map) {
                list.add((Map<String, Object>) o);
            }
        }
        return list;
    }

}
