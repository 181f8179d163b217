package dev.reap.it;

import dev.reap.it.support.Cli;
import dev.reap.it.support.HostTest;
import dev.reap.it.support.Jdk;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code java -jar reap-agent.jar ...} */
class CliTest extends HostTest {
    private Cli cli(String... args) throws IOException, InterruptedException {
        return Cli.run(dir, mark, args);
    }

    @Test
    void demoShowsWhatWasReapedAndThatNothingSurvived() throws Exception {
        Cli r = cli("demo");
        assertThat(r.status).as("stdout:%n%s%nstderr:%n%s", r.out, r.err).isZero();
        assertThat(r.out).contains("setsid daemon").contains("Nothing survived").doesNotContain("ALIVE");
        assertThat(r.out).as("the agent's lines in a block of their own, after the table, on stdout")
                .containsPattern("(?s)  spawned +pid .*setsid daemon.*\nThe agent, in the demo JVM, on its stderr \\(log=debug\\):\n"
                        + "(  \\[reap\\] [^\n]*\n)*  \\[reap\\] reaped 5 processes[^\n]*\n\nThe demo JVM ended")
                .contains("  [reap] pid ").contains("ended on SIGINT").contains("ended on SIGTERM");
        assertThat(r.err).isEmpty();
    }

    @Test
    void helpAndVersion() throws Exception {
        Cli help = cli("--help");
        assertThat(help.status).isZero();
        assertThat(help.out).contains("demo").contains("sweep").contains("ps").contains("Exit status");
        Cli version = cli("--version");
        assertThat(version.status).isZero();
        assertThat(version.out).matches("reap-agent \\S+\\R");
    }

    @Test
    void unknownCommandIsOneLineAndStatus2() throws Exception {
        Cli r = cli("reap-everything");
        assertThat(r.status).isEqualTo(2);
        assertThat(r.out).isEmpty();
        assertThat(r.err).isEqualTo("reap-agent: unknown command 'reap-everything'; accepted: attach, list, sweep, reap, run, ps, report, demo, --help, --version\n");
    }

    @Test
    void everyVerbTakesHelp() throws Exception {
        for (String verb : List.of("attach", "list", "sweep", "reap", "run", "ps", "report", "demo")) {
            Cli help = cli(verb, "--help");
            assertThat(help.status).as("%s --help: %s", verb, help).isZero();
            assertThat(help.out).as("%s --help", verb).contains("usage").doesNotContain("unknown");
        }
        Cli extra = cli("list", "now");
        assertThat(extra.status).isEqualTo(2);
        assertThat(extra.err).contains("--list takes only --json; got 'now'");
        Cli json = cli("list", "--json");
        assertThat(json.status).as("%s", json).isZero();
        assertThat(json.out).startsWith("{\n  \"jvms\": [");
    }

    @Test
    void aReportPatternThatMatchesNothingMeansNothingWasReaped() throws Exception {
        String pattern = dir.resolve("reap-*.json").toString();
        Cli none = cli("report", pattern);
        assertThat(none.status).as("%s", none).isZero();
        assertThat(none.out).isEqualTo("no report matches " + pattern + ": nothing was reaped there\n");
        Cli missing = cli("report", dir.resolve("reap-1.json").toString());
        assertThat(missing.status).as("a file named, not a pattern: a mistake").isEqualTo(2);
    }

    @Test
    void reportForMachinesAndOnGithubActionsAnAnnotationAtEachLeaksLine() throws Exception {
        Path source = Files.createDirectories(dir.resolve("src/test/java/com/acme")).resolve("ServerIT.java");
        Files.write(source, "class ServerIT {}\n".getBytes(StandardCharsets.UTF_8));
        Path report = dir.resolve("reap-41.json");
        Files.write(report, ("{\"session\":\"41-7\",\"pid\":41,\"reapedBy\":\"exit-hook\",\"processes\":["
                + "{\"pid\":42,\"command\":\"sleep 600\",\"site\":\"com.acme.ServerIT.start(ServerIT.java:12) via "
                + "org.apache.commons.exec.DefaultExecutor.execute(DefaultExecutor.java:147)\",\"test\":\"com.acme.ServerIT#starts()\","
                + "\"outcome\":\"ended\",\"signal\":\"SIGKILL\",\"afterMillis\":3000}]}\n").getBytes(StandardCharsets.UTF_8));

        Cli json = cli("report", "--json", report.toString());
        assertThat(json.status).as("%s", json).isEqualTo(1);
        assertThat(json.out).startsWith("{\n  \"reports\": [\n    {\"file\": ").contains("\"test\": \"com.acme.ServerIT#starts()\"")
                .contains("\"neededSigkill\": 1,");

        Path summary = dir.resolve("summary.md");
        Cli github = Cli.runIn(Jdk.current().java(), dir, Map.of("GITHUB_ACTIONS", "true", "GITHUB_STEP_SUMMARY", summary.toString()),
                dir, mark, "report", report.toString());
        assertThat(github.status).isEqualTo(1);
        assertThat(github.out).as("the user's frame, not the library's").contains("::error file=src/test/java/com/acme/ServerIT.java,line=12,"
                + "title=reap%3A a process left behind::com.acme.ServerIT#starts() left pid 42 'sleep 600' spawned at "
                + "com.acme.ServerIT.start(ServerIT.java:12) via org.apache.commons.exec.DefaultExecutor.execute(DefaultExecutor.java:147)"
                + ": SIGKILL 3000ms\n");
        assertThat(read(summary)).startsWith("### reap: 1 process left behind\n")
                .contains("| com.acme.ServerIT#starts() | 42 | `sleep 600` |");
    }

    @Test
    void aMisspeltCommandOrFlagGetsDidYouMean() throws Exception {
        Cli verb = cli("swep");
        assertThat(verb.status).isEqualTo(2);
        assertThat(verb.err).startsWith("reap-agent: unknown command 'swep'; did you mean sweep? accepted: ");
        Cli flag = cli("sweep", "--dryrun");
        assertThat(flag.status).isEqualTo(2);
        assertThat(flag.err).contains("unknown argument '--dryrun'; did you mean --dry-run? accepted: ");
    }

    @Test
    void noCommandIsStatus2() throws Exception {
        Cli r = cli();
        assertThat(r.status).isEqualTo(2);
        assertThat(r.err.split("\n")).hasSize(1);
    }
}
