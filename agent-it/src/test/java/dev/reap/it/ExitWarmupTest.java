package dev.reap.it;

import dev.reap.it.hosts.ZooHost;
import dev.reap.it.support.Host;
import dev.reap.it.support.HostTest;
import dev.reap.it.support.Jdk;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Once a child has lasted, the exit hook's classes are loaded before the exit: an exit that must
 * reap loads none of the agent's classes itself (each would cost it 0.2-0.8 ms before the first
 * signal). Fails when a class the exit path needs is missing from the warm-up's list.
 */
class ExitWarmupTest extends HostTest {
    /** The last class the warm-up loads: SLF4J's formatting, after the agent's own. */
    private static final String LAST_WARMED = "dev.reap.agent.shaded.slf4j.helpers.FormattingTuple ";

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void anExitAfterAChildLastedLoadsNoneOfTheAgentsClasses(int major) throws Exception {
        Path classes = dir.resolve("classes.log");
        // no start-up sweep: its classes, loaded a second after start, are not the exit's
        Host host = host(Jdk.require(major)).agent("sweep=false")
                .jvmOption("-Xlog:class+load:file=" + classes)
                .start(ZooHost.class, "return", dir.toString(), "recorder");
        host.linesUntil("ready", Duration.ofSeconds(30));
        assertThat(eventually(Duration.ofSeconds(30), () -> read(classes).contains(LAST_WARMED)))
                .as("the warm-up ran once the child lasted; class log:\n%s", read(classes)).isTrue();
        host.send("go");
        assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();

        assertThat(read(dir.resolve("recorder")).trim()).as("the exit reaped the child").isEqualTo("INT");
        String log = read(classes);
        String atExit = log.substring(log.indexOf('\n', log.indexOf(LAST_WARMED)) + 1);
        assertThat(Arrays.asList(atExit.split("\n")))
                .as("agent classes the exit loaded itself")
                .filteredOn(line -> line.contains(" dev.reap.agent."))
                .isEmpty();
    }
}
