package dev.reap.it;

import dev.reap.it.hosts.LibrariesHost;
import dev.reap.it.support.Host;
import dev.reap.it.support.HostTest;
import dev.reap.it.support.Jdk;
import dev.reap.it.support.Proc;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A host with its own Byte Buddy and SLF4J, of other versions, works unchanged beside the agent. */
class HostLibrariesTest extends HostTest {
    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void hostsOwnByteBuddyAndSlf4jAreUntouched(int major) throws Exception {
        Host host = host(Jdk.require(major)).agent().withLibraries().start(LibrariesHost.class);
        List<String> out = host.linesUntil("ready", Duration.ofSeconds(30));
        long pid = Long.parseLong(out.get(3).split(" ")[1]);
        long ticks = Proc.startTicks(pid);
        assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();

        assertThat(out.get(0)).isEqualTo("made by the host's Byte Buddy");
        assertThat(out.get(1)).isEqualTo("byte-buddy from byte-buddy-1.14.12.jar");
        assertThat(out.get(2)).isEqualTo("slf4j factory org.slf4j.impl.SimpleLoggerFactory");
        assertThat(host.stderr()).contains("logged through the host's SLF4J").doesNotContain("SLF4J:");
        assertThat(Proc.alive(pid, ticks)).isFalse();
    }
}
