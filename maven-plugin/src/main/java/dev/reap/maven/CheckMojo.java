package dev.reap.maven;

import dev.reap.agent.report.GithubActions;
import dev.reap.agent.report.ReportFile;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the reports this module's forks wrote in this build (older files in
 * {@link #reportDirectory} are ignored), prints one warning per process a test or a fork left
 * behind, naming the test, the process and its spawn site, and fails the build by {@link #failOn}.
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class CheckMojo extends ReapMojo {
    /** What fails the build: {@code never}; {@code kill}, a process needed SIGKILL or survived it; {@code leak}, any process was left. */
    @Parameter(property = "reap.failOn", defaultValue = "never")
    String failOn;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    MavenSession session;

    enum FailOn { NEVER, KILL, LEAK }

    @Override
    void run() throws MojoFailureException {
        FailOn rule = failOn();
        List<ReportFile.Row> leaks = new ArrayList<>();
        int reports = 0;
        for (File file : freshReports()) {
            ReportFile report;
            try {
                report = ReportFile.read(file.toPath());
            } catch (IOException | RuntimeException e) {
                getLog().warn("reap: " + file + " is not a report the agent wrote (" + e.getMessage() + "); skipped");
                continue;
            }
            reports++;
            for (ReportFile.Row row : report.processes()) {
                if (row.leaked()) {
                    leaks.add(row);
                }
            }
        }
        long forced = leaks.stream().filter(ReportFile.Row::forced).count();
        for (ReportFile.Row leak : leaks) {
            getLog().warn("reap: " + line(leak));
        }
        if (GithubActions.active(System.getenv())) {
            annotate(leaks, rule);
        }
        if (leaks.isEmpty()) {
            getLog().info("reap: no test left a process behind" + (reports == 0 ? "" : " (" + reports + plural(reports, " report") + ")"));
            return;
        }
        String summary = leaks.size() + plural(leaks.size(), " process") + " left behind by the tests, " + forced
                + " of them needed SIGKILL or survived it (" + reports + plural(reports, " report") + " in " + reportDirectory + ")";
        if (rule == FailOn.LEAK || rule == FailOn.KILL && forced > 0) {
            throw new MojoFailureException("reap: " + summary + "; failOn=" + rule.name().toLowerCase(Locale.ROOT));
        }
        getLog().info("reap: " + summary);
    }

    /** One annotation per leak at its spawn site's line (an error where it fails the build), and the step summary's table. */
    private void annotate(List<ReportFile.Row> leaks, FailOn rule) {
        List<Path> roots = new ArrayList<>();
        for (String root : project.getCompileSourceRoots()) {
            roots.add(Paths.get(root));
        }
        for (String root : project.getTestCompileSourceRoots()) {
            roots.add(Paths.get(root));
        }
        String workspace = System.getenv("GITHUB_WORKSPACE");
        Path base = Paths.get(workspace != null ? workspace : session.getExecutionRootDirectory());
        List<List<String>> rows = new ArrayList<>();
        for (ReportFile.Row leak : leaks) {
            GithubActions.SourceLine source = GithubActions.sourceOf(leak.site());
            String file = source == null ? null : GithubActions.pathUnder(roots, base, source);
            boolean error = rule == FailOn.LEAK || rule == FailOn.KILL && leak.forced();
            System.out.println(GithubActions.annotation(error, file, source == null ? 0 : source.line,
                    "reap: a process left behind", line(leak)));
            rows.add(List.of(String.valueOf(leak.test()), String.valueOf(leak.pid()), "`" + oneLine(leak.command()) + "`",
                    leak.site() == null ? "" : leak.site(), leak.ended()));
        }
        try {
            GithubActions.appendToStepSummary(System.getenv(), GithubActions.table("reap: " + leaks.size()
                    + plural(leaks.size(), " process") + " left behind by the tests of " + project.getArtifactId(),
                    List.of("test", "pid", "command", "spawned at", "ended"), rows));
        } catch (IOException e) {
            getLog().warn("reap: cannot write the step summary (" + e.getMessage() + ")");
        }
    }

    private FailOn failOn() throws MojoFailureException {
        try {
            return FailOn.valueOf(failOn.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("reap: failOn='" + failOn + "' is not one of never, kill, leak");
        }
    }

    /** The reports written since this build started, in name order. */
    private List<File> freshReports() {
        File[] files = reportDirectory.listFiles((dir, name) -> name.endsWith(".json"));
        List<File> fresh = new ArrayList<>();
        long started = session.getRequest().getStartTime() == null ? 0 : session.getRequest().getStartTime().getTime();
        for (File file : files == null ? new File[0] : files) {
            // file times may be whole seconds: a report of this build is never older than its start's second
            if (file.isFile() && file.lastModified() >= started - started % 1000) {
                fresh.add(file);
            }
        }
        fresh.sort(null);
        return fresh;
    }

    private static String plural(long n, String word) {
        return n == 1 ? word : word + (word.endsWith("s") ? "es" : "s");
    }

    /** One process left behind, as a warning line. */
    private static String line(ReportFile.Row row) {
        String who = row.test() != null ? row.test() : "a test JVM (outside any test, or its test unknown)";
        String how = row.outcome().equals("survived") ? "it survived SIGKILL" : "ended by " + row.signal();
        return who + " left pid " + row.pid() + " '" + oneLine(row.command()) + "'"
                + (row.site() != null ? " spawned at " + row.site() : "") + ": " + how;
    }

    private static String oneLine(String command) {
        String text = command == null ? "?" : command.replace('\n', ' ');
        return text.length() > 120 ? text.substring(0, 117) + "..." : text;
    }
}
