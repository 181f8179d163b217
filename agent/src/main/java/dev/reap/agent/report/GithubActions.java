package dev.reap.agent.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What a leak looks like on GitHub Actions ({@code GITHUB_ACTIONS=true}): one workflow command per
 * leaked process, {@code ::warning file=...,line=...::...} (or {@code ::error}), at the spawn
 * site's source line, so that it shows in the pull request's diff; and a Markdown table appended to
 * {@code $GITHUB_STEP_SUMMARY}. Used by the {@code report} command and the Maven plugin's {@code check}.
 */
public final class GithubActions {
    private GithubActions() {
    }

    /** True on a GitHub Actions runner. */
    public static boolean active(Map<String, String> environment) {
        return "true".equals(environment.get("GITHUB_ACTIONS"));
    }

    /**
     * The source file a spawn site names, relative to its source root ({@code sample/Spawned.java}),
     * and its line; null when the site names none. The user's frame, not the library's ({@code via ...}).
     */
    public static SourceLine sourceOf(String site) {
        if (site == null) {
            return null;
        }
        int via = site.indexOf(" via ");
        String frame = via < 0 ? site : site.substring(0, via);
        int open = frame.lastIndexOf('(');
        int colon = frame.lastIndexOf(':');
        if (open < 0 || colon < open || !frame.endsWith(")")) {
            return null;
        }
        int line;
        try {
            line = Integer.parseInt(frame.substring(colon + 1, frame.length() - 1));
        } catch (NumberFormatException e) {
            return null;
        }
        String method = frame.substring(0, open);
        int classEnd = method.lastIndexOf('.');
        String className = classEnd < 0 ? "" : method.substring(0, classEnd);
        int packageEnd = className.lastIndexOf('.');
        String directory = packageEnd < 0 ? "" : className.substring(0, packageEnd).replace('.', '/') + "/";
        return new SourceLine(directory + frame.substring(open + 1, colon), line);
    }

    /** A file (relative to a source root) and a line in it. */
    public static final class SourceLine {
        public final String file;
        public final int line;

        SourceLine(String file, int line) {
            this.file = file;
            this.line = line;
        }
    }

    /**
     * {@code ::warning file=F,line=N,title=T::message} ({@code error} for an error); {@code file}
     * may be null (no place known: the annotation goes on the run).
     */
    public static String annotation(boolean error, String file, int line, String title, String message) {
        StringBuilder command = new StringBuilder(error ? "::error " : "::warning ");
        if (file != null) {
            command.append("file=").append(property(file)).append(",line=").append(line).append(',');
        }
        return command.append("title=").append(property(title)).append("::").append(data(message)).toString();
    }

    /**
     * For each leak, an annotation at its site's source line ({@code fileOf} finds the file, null
     * when it cannot), an error where {@code error} says so, with {@code text} as its message; then
     * their table, under {@code heading}, appended to the step summary.
     */
    public static void publish(PrintStream out, Map<String, String> environment, List<ReportFile.Row> leaks,
                               Predicate<ReportFile.Row> error, Function<SourceLine, String> fileOf,
                               Function<ReportFile.Row, String> text, String heading) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        for (ReportFile.Row leak : leaks) {
            SourceLine source = sourceOf(leak.site());
            String file = source == null ? null : fileOf.apply(source);
            out.println(annotation(error.test(leak), file, source == null ? 0 : source.line, "reap: a process left behind",
                    text.apply(leak)));
            rows.add(List.of(String.valueOf(leak.test()), String.valueOf(leak.pid()), code(Summary.oneLine(leak.command(), 80)),
                    leak.site() == null ? "" : leak.site(), leak.ended()));
        }
        if (!rows.isEmpty()) {
            appendToStepSummary(environment, table(heading, List.of("test", "pid", "command", "spawned at", "ended"), rows));
        }
    }

    /** Appends {@code markdown} to the step summary; false when there is none. */
    public static boolean appendToStepSummary(Map<String, String> environment, String markdown) throws IOException {
        String file = environment.get("GITHUB_STEP_SUMMARY");
        if (file == null || file.isEmpty()) {
            return false;
        }
        Files.write(Paths.get(file), markdown.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return true;
    }

    /** A Markdown table of leaked processes: a heading, then one row per {@code rows} entry (its cells). */
    public static String table(String heading, List<String> header, List<List<String>> rows) {
        StringBuilder md = new StringBuilder("### ").append(heading).append("\n\n|");
        for (String h : header) {
            md.append(' ').append(h).append(" |");
        }
        md.append("\n|");
        for (int i = 0; i < header.size(); i++) {
            md.append(" --- |");
        }
        md.append('\n');
        for (List<String> row : rows) {
            md.append('|');
            for (String cell : row) {
                md.append(' ').append(cell == null ? "" : cell.replace("|", "\\|").replace('\n', ' ').replace('\r', ' ')).append(" |");
            }
            md.append('\n');
        }
        return md.append('\n').toString();
    }

    /** Where a site's source file is under {@code roots}, relative to {@code base}; null when it is under none. */
    public static String pathUnder(List<Path> roots, Path base, SourceLine source) {
        for (Path root : roots) {
            Path file = root.resolve(source.file);
            if (Files.isRegularFile(file)) {
                Path absolute = file.toAbsolutePath().normalize();
                Path from = base.toAbsolutePath().normalize();
                return absolute.startsWith(from) ? from.relativize(absolute).toString().replace('\\', '/') : absolute.toString();
            }
        }
        return null;
    }

    /**
     * Where a site's source file is below {@code root} (the first found, relative to {@code base}
     * when below it), skipping build output and version control; null when nowhere.
     */
    public static String findUnder(Path root, SourceLine source, Path base) {
        String suffix = "/" + source.file;
        Path from = base.toAbsolutePath().normalize();
        Path top = root.toAbsolutePath().normalize();
        try (java.util.stream.Stream<Path> files = Files.walk(top, 24)) {
            return files.filter(f -> f.toString().replace('\\', '/').endsWith(suffix) && !inOutput(top.relativize(f)))
                    .map(f -> f.startsWith(from) ? from.relativize(f).toString().replace('\\', '/') : f.toString())
                    .findFirst().orElse(null);
        } catch (IOException | java.io.UncheckedIOException e) {
            return null;
        }
    }

    /** {@code text} as a Markdown code span that its own backticks cannot end. */
    public static String code(String text) {
        String fence = text.contains("`") ? "`` " : "`";
        return fence + text + (fence.length() > 1 ? " ``" : "`");
    }

    private static boolean inOutput(Path relative) {
        for (Path part : relative) {
            String name = part.toString();
            if (name.equals("target") || name.equals("build") || name.equals(".git") || name.equals("node_modules")) {
                return true;
            }
        }
        return false;
    }

    private static String data(String text) {
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }

    private static String property(String text) {
        return data(text).replace(":", "%3A").replace(",", "%2C");
    }
}
