package dev.reap.it;

import dev.reap.it.hosts.ZooHost;
import dev.reap.it.support.Host;
import dev.reap.it.support.HostTest;
import dev.reap.it.support.Jdk;
import dev.reap.it.support.Zoo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every ordinary end of a JVM, on every JDK, with every kind of child: nothing survives, the
 * first signal each child sees is SIGINT, and the JVM's own exit status is unchanged.
 */
class ExitPathsTest extends HostTest {
    private static final List<String> KINDS = Zoo.KINDS;

    static Stream<Arguments> endings() {
        List<Arguments> cases = new ArrayList<>();
        for (int jdk : Jdk.WANTED) {
            for (String end : List.of("return", "exit3", "throw", "SIGTERM", "SIGINT", "SIGHUP")) {
                cases.add(Arguments.of(jdk, end));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "JDK {0}, {1}")
    @MethodSource("endings")
    void nothingSurvivesAndSigintComesFirst(int major, String end) throws Exception {
        Jdk jdk = Jdk.require(major);
        List<String> args = new ArrayList<>(List.of(end.startsWith("SIG") ? "wait" : end, dir.toString()));
        args.addAll(KINDS);
        Host host = host(jdk).agent("grace=2s").start(ZooHost.class, args.toArray(new String[0]));

        Zoo zoo = Zoo.ready(host, dir, KINDS);

        host.send("go");
        if (end.startsWith("SIG")) {
            host.signal(end.substring(3));
        }
        int status = host.awaitExit(Duration.ofSeconds(30));

        assertThat(status).as("the JVM's own exit status; stderr:%n%s", host.stderr()).isEqualTo(expectedStatus(end));
        zoo.allEndWithin(Duration.ofSeconds(2));
        zoo.sigintCameFirst();
        assertThat(host.stderr()).contains("[reap] reaped ");
    }

    private static int expectedStatus(String end) {
        switch (end) {
            case "return": return 0;
            case "exit3": return 3;
            case "throw": return 1;
            case "SIGTERM": return 128 + 15;
            case "SIGINT": return 128 + 2;
            case "SIGHUP": return 128 + 1;
            default: throw new IllegalArgumentException(end);
        }
    }
}
