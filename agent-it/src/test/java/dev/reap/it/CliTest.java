package dev.reap.it;

import dev.reap.it.support.Host;
import dev.reap.it.support.HostTest;
import dev.reap.it.support.Jdk;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code java -jar reap-agent.jar ...} */
class CliTest extends HostTest {
    private static final class Result {
        final int status;
        final String out;
        final String err;

        Result(int status, String out, String err) {
            this.status = status;
            this.out = out;
            this.err = err;
        }
    }

    private Result cli(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(Jdk.current().java(), "-jar", Host.AGENT_JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put(MARK, mark);
        builder.redirectError(dir.resolve("cli.err").toFile());
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, read(dir.resolve("cli.err")));
    }

    @Test
    void demoShowsWhatWasReapedAndThatNothingSurvived() throws Exception {
        Result r = cli("demo");
        assertThat(r.status).as("stdout:%n%s%nstderr:%n%s", r.out, r.err).isZero();
        assertThat(r.out).contains("setsid daemon").contains("Nothing survived").doesNotContain("ALIVE");
        assertThat(r.err).contains("ended on SIGINT").contains("ended on SIGTERM").contains("[reap] reaped 5 processes");
    }

    @Test
    void helpAndVersion() throws Exception {
        Result help = cli("--help");
        assertThat(help.status).isZero();
        assertThat(help.out).contains("demo").contains("Exit status");
        Result version = cli("--version");
        assertThat(version.status).isZero();
        assertThat(version.out).matches("reap-agent \\S+\\R");
    }

    @Test
    void unknownCommandIsOneLineAndStatus2() throws Exception {
        Result r = cli("reap-everything");
        assertThat(r.status).isEqualTo(2);
        assertThat(r.out).isEmpty();
        assertThat(r.err).isEqualTo("reap-agent: unknown command 'reap-everything'; accepted: demo, --help, --version\n");
    }

    @Test
    void noCommandIsStatus2() throws Exception {
        Result r = cli();
        assertThat(r.status).isEqualTo(2);
        assertThat(r.err.split("\n")).hasSize(1);
    }
}
