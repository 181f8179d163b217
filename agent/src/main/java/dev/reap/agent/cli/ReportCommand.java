package dev.reap.agent.cli;

import dev.reap.agent.config.Spelling;
import dev.reap.agent.report.GithubActions;
import dev.reap.agent.report.Json;
import dev.reap.agent.report.ReportFile;
import dev.reap.agent.report.Summary;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code report FILE...}: a human summary of one or many {@code reap.report} files, for a CI
 * step after the build. Exit 1 when any reported process needed SIGKILL or survived it.
 */
final class ReportCommand {
    static final String USAGE = "report [--json] FILE...";
    /** Where a command line is cut in the table. */
    private static final int COMMAND_WIDTH = 80;

    private final PrintStream out;
    private final PrintStream err;

    ReportCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) {
        List<String> names = new ArrayList<>();
        boolean json = false;
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                out.println("usage: java -jar reap-agent.jar " + USAGE);
                out.println("Summarises reap.report files: per JVM, what was reaped, by which signal, spawned where and");
                out.println("by which test; --json prints it for machines. On GitHub Actions (GITHUB_ACTIONS=true), one");
                out.println("annotation per process left behind, at its spawn site's line, and a table in the step summary.");
                out.println("Exit status: 0 all ended politely (or nothing was left), 1 some process needed SIGKILL or");
                out.println("survived it, 2 usage (a file that is missing or is no report).");
                return Main.OK;
            } else if (arg.equals("--json")) {
                json = true;
            } else if (arg.startsWith("-")) {
                String nearest = Spelling.nearest(arg, List.of("--json", "--help"));
                err.println("reap-agent report: unknown argument '" + arg + "'; " + (nearest != null ? "did you mean "
                        + nearest + "? " : "") + "accepted: --json, --help, then the files");
                return Main.USAGE;
            } else {
                names.add(arg);
            }
        }
        if (names.isEmpty()) {
            err.println("reap-agent report: no report given; usage: " + USAGE + " (the files reap.report wrote)");
            return Main.USAGE;
        }
        List<ReportFile> reports = new ArrayList<>();
        List<Path> paths = new ArrayList<>();
        List<String> files = expanded(names);
        if (files.isEmpty()) {
            // a pattern the shell left as it was (no file matched): no JVM wrote a report there
            if (json) {
                out.println(Json.write(totals(List.of(), List.of(), new int[6])));
            } else {
                out.println("no report matches " + String.join(" ", names) + ": nothing was reaped there");
            }
            return Main.OK;
        }
        for (String arg : files) {
            Path path = Paths.get(arg);
            try {
                reports.add(ReportFile.read(path));
                paths.add(path);
            } catch (NoSuchFileException e) {
                err.println("reap-agent report: no such file " + arg);
                return Main.USAGE;
            } catch (IOException | RuntimeException e) {
                err.println("reap-agent report: " + arg + " is not a reap.report file (" + e.getMessage() + ")");
                return Main.USAGE;
            }
        }
        // processes, politely, forced, survived, excluded, pending
        int[] counts = new int[6];
        for (ReportFile report : reports) {
            for (ReportFile.Row p : report.processes()) {
                counts[0]++;
                counts[p.outcome().equals("pending") ? 5 : p.outcome().equals("survived") ? 3 : p.forced() ? 2
                        : p.outcome().equals("excluded") ? 4 : 1]++;
            }
        }
        if (json) {
            out.println(Json.write(totals(reports, paths, counts)));
        } else {
            print(reports, paths, counts);
        }
        if (GithubActions.active(System.getenv())) {
            annotate(reports);
        }
        return counts[2] > 0 || counts[3] > 0 || counts[5] > 0 ? Main.LEFT_SOMETHING : Main.OK;
    }

    private void print(List<ReportFile> reports, List<Path> paths, int[] counts) {
        for (int i = 0; i < reports.size(); i++) {
            ReportFile report = reports.get(i);
            List<ReportFile.Row> list = report.processes();
            out.println(paths.get(i) + ": JVM " + report.pid() + " (session " + report.session() + "), reaped by "
                    + report.reapedBy() + ", " + list.size() + (list.size() == 1 ? " process" : " processes"));
            if (list.isEmpty()) {
                continue;
            }
            Table table = new Table("  ", "PID", "ENDED", "TEST", "COMMAND  (SPAWNED AT)");
            for (ReportFile.Row p : list) {
                String site = p.site();
                table.row(p.pid(), p.ended(), p.test(), Summary.oneLine(p.command(), COMMAND_WIDTH) + (site == null ? "" : "  (" + site + ")"));
            }
            table.print(out);
        }
        out.println(reports.size() + (reports.size() == 1 ? " report, " : " reports, ") + counts[0]
                + (counts[0] == 1 ? " process: " : " processes: ") + counts[1] + " ended politely, " + counts[2] + " needed SIGKILL, "
                + counts[3] + " survived it, " + counts[4] + " excluded"
                + (counts[5] == 0 ? "" : ", " + counts[5] + " not seen to end (their JVM was stopped during its reap)"));
    }

    private static Map<String, Object> totals(List<ReportFile> reports, List<Path> paths, int[] counts) {
        List<Object> files = new ArrayList<>();
        for (int i = 0; i < reports.size(); i++) {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("file", paths.get(i).toString());
            file.put("pid", reports.get(i).pid());
            file.put("session", reports.get(i).session());
            file.put("reapedBy", reports.get(i).reapedBy());
            List<Object> rows = new ArrayList<>();
            for (ReportFile.Row row : reports.get(i).processes()) {
                rows.add(row.fields());
            }
            file.put("processes", rows);
            files.add(file);
        }
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("reports", files);
        totals.put("processes", counts[0]);
        totals.put("endedPolitely", counts[1]);
        totals.put("neededSigkill", counts[2]);
        totals.put("survivedSigkill", counts[3]);
        totals.put("excluded", counts[4]);
        totals.put("pending", counts[5]);
        return totals;
    }

    /** One annotation per process left behind (an error for one that needed SIGKILL), at its source line when found under the current directory. */
    private void annotate(List<ReportFile> reports) {
        Path base = Paths.get("").toAbsolutePath();
        List<ReportFile.Row> leaks = new ArrayList<>();
        for (ReportFile report : reports) {
            for (ReportFile.Row p : report.processes()) {
                if (p.leaked()) {
                    leaks.add(p);
                }
            }
        }
        try {
            GithubActions.publish(out, System.getenv(), leaks, ReportFile.Row::forced, source -> GithubActions.findUnder(base, source, base),
                    p -> (p.test() != null ? p.test() : "a JVM") + " left pid " + p.pid() + " '" + Summary.oneLine(p.command(), COMMAND_WIDTH)
                            + "'" + (p.site() != null ? " spawned at " + p.site() : "") + ": " + p.ended(),
                    "reap: " + leaks.size() + (leaks.size() == 1 ? " process" : " processes") + " left behind");
        } catch (IOException e) {
            err.println("reap-agent report: cannot write the step summary (" + e.getMessage() + ")");
        }
    }

    /**
     * The files named: a name with {@code *}, {@code ?} or {@code [} (a pattern the shell did not
     * expand, or quoted) stands for the files of its directory it matches, in name order, and for
     * none when none does.
     */
    private static List<String> expanded(List<String> args) {
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
}
