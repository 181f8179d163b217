package dev.reap.it;

import dev.reap.it.hosts.ZooHost;
import dev.reap.it.support.Host;
import dev.reap.it.support.HostTest;
import dev.reap.it.support.Jdk;
import dev.reap.it.support.Proc;
import dev.reap.it.support.Zoo;

import static dev.reap.it.support.Watchdogs.awaitWatchdog;
import static dev.reap.it.support.Watchdogs.watchdogs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deaths without shutdown hooks, on every JDK, with every kind of child: the watchdog reaps
 * them all, SIGINT first. A JVM with {@code reap.watchdog=false} leaves them alive: the feature,
 * not luck, ends them.
 */
class WatchdogTest extends HostTest {
    static Stream<Arguments> deaths() {
        List<Arguments> cases = new ArrayList<>();
        for (int jdk : Jdk.WANTED) {
            for (String death : List.of("SIGKILL", "halt", "group-SIGINT")) {
                cases.add(Arguments.of(jdk, death));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "JDK {0}, {1}")
    @MethodSource("deaths")
    void theWatchdogReapsWhatTheDeadHostLeft(int major, String death) throws Exception {
        Host host = start(Jdk.require(major), death, "grace=2s");
        Zoo zoo = Zoo.ready(host, dir, Zoo.KINDS);
        awaitWatchdog(host);

        int status = kill(host, death);

        assertThat(status).as("the JVM died as asked; stderr:%n%s", host.stderr()).isEqualTo(expectedStatus(death));
        zoo.allEndWithin(Duration.ofSeconds(5));
        zoo.sigintCameFirst();
        String summary = "[reap] watchdog: JVM " + host.pid() + " ended without its shutdown hooks; reaped ";
        assertThat(eventually(Duration.ofSeconds(5), () -> host.stderr().contains(summary)))
                .as("the watchdog's summary; stderr:%n%s", host.stderr()).isTrue();
        assertThat(eventually(Duration.ofSeconds(5), () -> watchdogs(host).isEmpty()))
                .as("the watchdog exits once its work is done").isTrue();
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void withoutTheWatchdogTheyOutliveAKilledHost(int major) throws Exception {
        Host host = start(Jdk.require(major), "SIGKILL", "grace=2s,watchdog=false");
        Zoo zoo = Zoo.ready(host, dir, List.of("plain", "daemon"));

        kill(host, "SIGKILL");

        try {
            assertThat(watchdogs(host)).as("no watchdog with reap.watchdog=false").isEmpty();
            // a watchdog reaps within a few tens of milliseconds; half a second is plenty
            assertThat(eventually(Duration.ofMillis(500), () -> zoo.alive().size() < 2)).isFalse();
        } finally {
            zoo.endSurvivors();
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void afterACleanExitTheWatchdogLeavesWithItsHost(int major) throws Exception {
        Host host = host(Jdk.require(major)).agent().start(ZooHost.class, "return", dir.toString(), "plain");
        Zoo zoo = Zoo.ready(host, dir, List.of("plain"));
        long watchdog = awaitWatchdog(host);
        long watchdogTicks = Proc.startTicks(watchdog);

        host.send("go");
        assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();

        zoo.allEndWithin(Duration.ofSeconds(2));
        assertThat(eventually(Duration.ofSeconds(2), () -> !Proc.alive(watchdog, watchdogTicks))).isTrue();
        assertThat(host.stderr()).doesNotContain("watchdog");
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void aWatchdogKilledOnItsOwnIsReplacedAndTheNewOneCoversTheHostsDeath(int major) throws Exception {
        Host host = host(Jdk.require(major)).agent("grace=2s").start(ZooHost.class, "wait", dir.toString(),
                "recorder", "grandchild", "daemon");
        Zoo zoo = Zoo.ready(host, dir, List.of("recorder", "grandchild", "daemon"));
        long first = awaitWatchdog(host);

        Proc.end(List.of(first));

        String warning = "[reap] warning: the watchdog (pid " + first + ") ended on its own (exit status 137, signal 9);"
                + " started a new one, told of the ";
        assertThat(eventually(Duration.ofSeconds(10), () -> host.stderr().contains(warning)))
                .as("one warning line; stderr:%n%s", host.stderr()).isTrue();
        assertThat(host.stderr()).containsPattern("told of the [1-9]\\d* process(es)? it covered: pid \\d+\\n");
        long second = awaitWatchdog(host);
        assertThat(second).isNotEqualTo(first);

        host.send("go");
        host.signal("KILL");
        host.awaitExit(Duration.ofSeconds(30));

        zoo.allEndWithin(Duration.ofSeconds(5));
        zoo.sigintCameFirst();
        assertThat(eventually(Duration.ofSeconds(5), () -> host.stderr().contains(
                "[reap] watchdog: JVM " + host.pid() + " ended without its shutdown hooks; reaped ")))
                .as("the new watchdog's summary; stderr:%n%s", host.stderr()).isTrue();
    }

    /**
     * The host's own code closes the watchdog's pipe and a file of its takes the number: nothing
     * is written into that file, a new watchdog is told everything, and after a {@code kill -9}
     * all the host's children end (no tag, no cgroup: only what the watchdog was told finds them).
     */
    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void aPipeTheHostClosedAndReusedGetsNothingAndANewWatchdogCoversAll(int major) throws Exception {
        Host host = host(Jdk.require(major)).agent("grace=2s,tag=false,cgroup=off,log=debug")
                .jvmOption("--add-opens=java.base/java.io=ALL-UNNAMED")
                .start(dev.reap.it.hosts.PipeCloserHost.class, dir.toString());
        java.util.Map<String, Long> spawned = host.spawned();
        try {
            assertThat(spawned).as("stderr:%n%s", host.stderr()).containsKeys("first", "plain1", "plain2", "plain3");
            assertThat(eventually(Duration.ofSeconds(10), () -> host.stderr().contains("lost its pipe: this JVM's code closed its descriptor;"
                    + " started a new one, told of the ")))
                    .as("one warning line; stderr:%n%s", host.stderr()).isTrue();

            java.util.regex.Matcher replaced = java.util.regex.Pattern.compile("it covered: pid (\\d+)").matcher(host.stderr());
            assertThat(replaced.find()).isTrue();
            String toldTheNewOne = "told the watchdog (pid " + replaced.group(1) + ") of ";
            assertThat(eventually(Duration.ofSeconds(10), () -> told(host.stderr(), toldTheNewOne) == 4))
                    .as("the new watchdog was told of all four; stderr:%n%s", host.stderr()).isTrue();
            host.signal("KILL");
            host.awaitExit(Duration.ofSeconds(30));

            assertThat(eventually(Duration.ofSeconds(10), () -> spawned.values().stream().noneMatch(pid -> ProcessHandle.of(pid).isPresent())))
                    .as("every child ended; stderr:%n%s", host.stderr()).isTrue();
            java.nio.file.Path victim = dir.resolve("victim");
            assertThat(java.nio.file.Files.exists(victim) ? java.nio.file.Files.readString(victim) : "").as("the host's file").isEmpty();
        } finally {
            Proc.end(spawned.values());
        }
    }

    /** How many processes the lines {@code <prefix><n>} of {@code stderr} told of, together. */
    private static int told(String stderr, String prefix) {
        int sum = 0;
        for (int at = stderr.indexOf(prefix); at >= 0; at = stderr.indexOf(prefix, at + 1)) {
            int from = at + prefix.length();
            int to = from;
            while (to < stderr.length() && Character.isDigit(stderr.charAt(to))) {
                to++;
            }
            sum += to > from ? Integer.parseInt(stderr.substring(from, to)) : 0;
        }
        return sum;
    }

    private Host start(Jdk jdk, String death, String options) throws Exception {
        Host.Builder builder = host(jdk).agent(options);
        if (death.equals("group-SIGINT")) {
            builder.ownProcessGroup();
        }
        String end = death.equals("halt") ? "halt" : death.equals("group-SIGINT") ? "halt-on-int" : "wait";
        List<String> args = new ArrayList<>(List.of(end, dir.toString()));
        args.addAll(death.equals("SIGKILL") && options.contains("watchdog=false") ? List.of("plain", "daemon") : Zoo.KINDS);
        return builder.start(ZooHost.class, args.toArray(new String[0]));
    }

    private static int kill(Host host, String death) throws Exception {
        host.send("go");
        if (death.equals("SIGKILL")) {
            host.signal("KILL");
        } else if (death.equals("group-SIGINT")) {
            host.signalGroup("INT");
        }
        return host.awaitExit(Duration.ofSeconds(30));
    }

    private static int expectedStatus(String death) {
        switch (death) {
            case "SIGKILL": return 128 + 9;
            case "halt": return 7;
            case "group-SIGINT": return 130;
            default: throw new IllegalArgumentException(death);
        }
    }
}
