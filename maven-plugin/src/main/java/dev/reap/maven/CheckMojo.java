package dev.reap.maven;

import dev.reap.agent.report.GithubActions;
import dev.reap.agent.report.ReportFile;
import dev.reap.agent.report.Summary;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

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
    /** Where a command line is cut in a warning. */
    private static final int COMMAND_WIDTH = 120;


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
        if (!leaks.isEmpty() && GithubActions.active(System.getenv())) {
            annotate(leaks, rule);
        }
        if (reports == 0) {
            noReport(rule);
            return;
        }
        if (leaks.isEmpty()) {
            getLog().info("reap: no test left a process behind (" + reports + plural(reports, " report") + ")");
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
        Path build = Paths.get(session.getExecutionRootDirectory());
        try {
            GithubActions.publish(System.out, System.getenv(), leaks, leak -> rule == FailOn.LEAK || rule == FailOn.KILL && leak.forced(),
                    // else the site is in another module of the build (a test helper's)
                    source -> {
                        String file = GithubActions.pathUnder(roots, base, source);
                        return file != null ? file : GithubActions.findUnder(build, source, base);
                    },
                    CheckMojo::line, "reap: " + leaks.size() + plural(leaks.size(), " process") + " left behind by the tests of "
                            + project.getArtifactId());
        } catch (IOException e) {
            getLog().warn("reap: cannot write the step summary (" + e.getMessage() + ")");
        }
    }

    /**
     * Every fork with the agent writes a report, an empty one when it spawned nothing: tests that ran
     * in this build with none written ran without the agent, and this check cannot vouch for them.
     */
    private void noReport(FailOn rule) throws MojoFailureException {
        int tests = fresh(new File(project.getBuild().getDirectory(), "surefire-reports"), "TEST-", ".xml").size()
                + fresh(new File(project.getBuild().getDirectory(), "failsafe-reports"), "TEST-", ".xml").size();
        if (tests == 0) {
            getLog().info("reap: no test ran in this build, no report to read");
            return;
        }
        String why = "tests ran in this build but no fork wrote a report to " + reportDirectory + ": the agent was not on"
                + " them (argLine given on the command line, -DargLine, replaces the plugin's; Surefire's <argLine> without"
                + " @{argLine}; forkCount=0; the agent loaded first another way, JAVA_TOOL_OPTIONS or a -javaagent of its own;"
                + " reap.enabled=false)";
        if (rule == FailOn.NEVER) {
            getLog().warn("reap: " + why);
            return;
        }
        throw new MojoFailureException("reap: " + why + "; failOn=" + rule.name().toLowerCase(Locale.ROOT) + " cannot be checked");
    }

    /** The reports this module's forks wrote since this build started, in name order. */
    private List<File> freshReports() {
        return fresh(reportDirectory, reportNamePrefix(), ".json");
    }

    /**
     * The files of {@code dir} named {@code prefix...suffix}, written since this build started and
     * not in the future (a copied or restored file's time), in name order.
     */
    private List<File> fresh(File dir, String prefix, String suffix) {
        File[] files = dir.listFiles((d, name) -> name.startsWith(prefix) && name.endsWith(suffix));
        List<File> fresh = new ArrayList<>();
        long started = session.getRequest().getStartTime() == null ? 0 : session.getRequest().getStartTime().getTime();
        long now = System.currentTimeMillis();
        for (File file : files == null ? new File[0] : files) {
            long written = file.lastModified();
            // file times may be whole seconds: a file of this build is never older than its start's second
            if (file.isFile() && written >= started - started % 1000 && written <= now + 1000) {
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
        String how = row.outcome().equals("survived") ? "it survived SIGKILL"
                : row.outcome().equals("pending") ? "not seen to end: its JVM was stopped during its reap (a runner's exit"
                        + " timeout, such as Surefire's forkedProcessExitTimeoutInSeconds, shorter than the ladder?)"
                : "ended by " + row.signal();
        return who + " left pid " + row.pid() + " '" + Summary.oneLine(row.command(), COMMAND_WIDTH) + "'"
                + (row.site() != null ? " spawned at " + row.site() : "") + ": " + how;
    }
}
