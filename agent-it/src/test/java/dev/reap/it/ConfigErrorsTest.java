package dev.reap.it;

import dev.reap.it.hosts.EscapeHost;
import dev.reap.it.hosts.SpawnOnceHost;
import dev.reap.it.support.Host;
import dev.reap.it.support.HostTest;
import dev.reap.it.support.Jdk;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A configuration mistake stops the JVM at start-up with one line, like a bad -XX flag. */
class ConfigErrorsTest extends HostTest {
    private void assertStopsWithOneLine(Host host, String expected) throws InterruptedException {
        assertThat(host.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
        assertThat(host.stdout()).as("main never ran").isEmpty();
        assertThat(host.stderr().trim()).isEqualTo(expected);
    }

    @Test
    void aSecondLoadWithOptionsOfItsOwnSaysTheyAreIgnored() throws Exception {
        Path report = dir.resolve("report.json");
        Host host = host(Jdk.current()).env("JAVA_TOOL_OPTIONS", "-javaagent:" + Host.AGENT_JAR.toAbsolutePath())
                .agent("report=" + report).start(SpawnOnceHost.class);
        assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();
        assertThat(host.stderr()).contains("[reap] warning: the agent is loaded a second time (JAVA_TOOL_OPTIONS and "
                + "-javaagent, say); its options 'report=" + report + "' are ignored, the first load's ('') stand");
    }

    @Test
    void aStartUpKeySetAfterTheStartSaysItHasNoEffect() throws Exception {
        Host host = host(Jdk.current()).agent().start(EscapeHost.class, "late-key");
        long child = host.spawned().get("child");
        host.send("go");
        assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        String warning = "reap.scope=test was set after the JVM started";
        assertThat(host.stderr()).contains(warning);
        assertThat(host.stderr().indexOf(warning)).as("once").isEqualTo(host.stderr().lastIndexOf(warning));
    }

    @Test
    void badValueInAgentOptions() throws Exception {
        assertStopsWithOneLine(host(Jdk.current()).agent("grace=soon").start(SpawnOnceHost.class),
                "[reap] error: invalid reap.grace='soon' (from agent options grace): expected a duration such as 3s, "
                        + "250ms, 1.5s, 2m, 1h, or a number of seconds (at most 1h)");
    }

    @Test
    void misspeltSystemProperty() throws Exception {
        assertStopsWithOneLine(host(Jdk.current()).agent().jvmOption("-Dreap.gracee=1s").start(SpawnOnceHost.class),
                "[reap] error: unknown key reap.gracee (from system property -Dreap.gracee): did you mean reap.grace?");
    }

    @Test
    void badEnvironmentValue() throws Exception {
        assertStopsWithOneLine(host(Jdk.current()).agent().env("REAP_SIGNALS", "INT,TERM").start(SpawnOnceHost.class),
                "[reap] error: invalid reap.signals='INT,TERM' (from environment REAP_SIGNALS): expected a comma-separated "
                        + "list of signals ending in KILL, such as INT,TERM,KILL (names HUP, INT, QUIT, ABRT, KILL, USR1, "
                        + "USR2, PIPE, ALRM, TERM, or their numbers)");
    }
}
