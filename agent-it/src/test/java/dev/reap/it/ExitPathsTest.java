package dev.reap.it;

import dev.reap.it.hosts.ZooHost;
import dev.reap.it.support.Host;
import dev.reap.it.support.HostTest;
import dev.reap.it.support.Jdk;
import dev.reap.it.support.Proc;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every ordinary end of a JVM, on every JDK, with every kind of child: nothing survives, the
 * first signal each child sees is SIGINT, and the JVM's own exit status is unchanged.
 */
class ExitPathsTest extends HostTest {
    private static final List<String> KINDS = List.of("plain", "deaf", "recorder", "grandchild", "daemon", "jvm");
    /** The kinds that record the signals they see (the others cannot, or ignore SIGINT). */
    private static final List<String> RECORDING = List.of("recorder", "grandchild", "daemon", "jvm");

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

        Map<String, long[]> spawned = new LinkedHashMap<>();
        for (String line : host.linesUntil("ready", Duration.ofSeconds(30))) {
            String[] kindAndPid = line.split(" ");
            long pid = Long.parseLong(kindAndPid[1]);
            spawned.put(kindAndPid[0], new long[] {pid, Proc.startTicks(pid)});
        }
        assertThat(spawned.keySet()).containsAll(KINDS);
        spawned.forEach((kind, p) -> assertThat(Proc.alive(p[0], p[1])).as("%s alive before the end", kind).isTrue());

        host.send("go");
        if (end.startsWith("SIG")) {
            host.signal(end.substring(3));
        }
        int status = host.awaitExit(Duration.ofSeconds(30));

        assertThat(status).as("the JVM's own exit status; stderr:%n%s", host.stderr()).isEqualTo(expectedStatus(end));
        for (Map.Entry<String, long[]> e : spawned.entrySet()) {
            long[] p = e.getValue();
            assertThat(eventually(Duration.ofSeconds(2), () -> !Proc.alive(p[0], p[1])))
                    .as("%s (pid %d) survived its JVM; stderr:%n%s", e.getKey(), p[0], host.stderr()).isTrue();
        }
        for (String kind : RECORDING) {
            List<String> seen = Files.readAllLines(dir.resolve(kind));
            assertThat(seen).as("signals %s saw", kind).isNotEmpty();
            assertThat(seen.get(0)).as("first signal %s saw", kind).isEqualTo("INT");
        }
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
