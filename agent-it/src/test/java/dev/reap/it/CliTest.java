package dev.reap.it;

import dev.reap.it.support.Cli;
import dev.reap.it.support.HostTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;

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
        assertThat(r.err).contains("ended on SIGINT").contains("ended on SIGTERM").contains("[reap] reaped 5 processes");
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
    void noCommandIsStatus2() throws Exception {
        Cli r = cli();
        assertThat(r.status).isEqualTo(2);
        assertThat(r.err.split("\n")).hasSize(1);
    }
}
