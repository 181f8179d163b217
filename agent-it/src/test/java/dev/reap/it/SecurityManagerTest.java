package dev.reap.it;

import dev.reap.it.hosts.ZooHost;
import dev.reap.it.support.Host;
import dev.reap.it.support.HostTest;
import dev.reap.it.support.Jdk;
import dev.reap.it.support.Zoo;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static dev.reap.it.support.Watchdogs.awaitWatchdog;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under a SecurityManager (JDK 17 to 23; later JDKs cannot enable one): with its jar granted, the
 * agent works on every way out; without, the host starts and one line says what to grant.
 */
class SecurityManagerTest extends HostTest {
    private static final List<String> KINDS = List.of("recorder", "grandchild", "daemon");

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void withoutAGrantTheHostStartsAndOneLineSaysWhatToGrant(int major) throws Exception {
        Host host = underPolicy(major, false).start(ZooHost.class, "return", dir.toString(), "plain");
        Zoo zoo = Zoo.ready(host, dir, List.of("plain"));
        host.send("go");
        int status = host.awaitExit(Duration.ofSeconds(30));
        try {
            assertThat(status).as("stderr:%n%s", host.stderr()).isZero();
            List<String> ours = Arrays.stream(host.stderr().split("\n")).filter(l -> l.startsWith("[reap]"))
                    .collect(Collectors.toList());
            assertThat(ours).as("stderr:%n%s", host.stderr()).containsExactly("[reap] error: the agent is off: a SecurityManager"
                    + " is installed and the agent's jar lacks java.security.AllPermission; to run it, grant it in the policy:"
                    + " grant codeBase \"file:/path/to/reap-agent.jar\" { permission java.security.AllPermission; };");
            assertThat(host.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
        } finally {
            // the agent was off: what the host spawned is the test's to end
            zoo.endSurvivors();
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void withItsJarGrantedTheAgentReapsAtExit(int major) throws Exception {
        Host host = underPolicy(major, true).start(ZooHost.class, args("return"));
        Zoo zoo = Zoo.ready(host, dir, KINDS);
        host.send("go");
        assertThat(host.awaitExit(Duration.ofSeconds(30))).as("stderr:%n%s", host.stderr()).isZero();

        zoo.allEndWithin(Duration.ofSeconds(5));
        zoo.sigintCameFirst();
        assertThat(host.stderr()).contains("[reap] reaped ").contains("spawned at dev.reap.it.hosts.ZooHost.")
                .doesNotContain("AccessControlException");
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void withItsJarGrantedTheWatchdogReapsAfterAKill(int major) throws Exception {
        Host host = underPolicy(major, true).start(ZooHost.class, args("wait"));
        Zoo zoo = Zoo.ready(host, dir, KINDS);
        awaitWatchdog(host);

        host.send("go");
        host.signal("KILL");
        host.awaitExit(Duration.ofSeconds(30));

        zoo.allEndWithin(Duration.ofSeconds(5));
        zoo.sigintCameFirst();
        assertThat(host.stderr()).doesNotContain("AccessControlException");
    }

    private String[] args(String end) {
        List<String> args = new java.util.ArrayList<>(List.of(end, dir.toString()));
        args.addAll(KINDS);
        return args.toArray(new String[0]);
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void aSecurityManagerInstalledAfterTheFirstSpawnChangesNothing(int major) throws Exception {
        Host host = underPolicy(major, true, "allow").start(dev.reap.it.hosts.LateSecurityManagerHost.class);
        Zoo zoo = Zoo.ready(host, dir, List.of("plain", "plain@2"));
        awaitWatchdog(host);
        host.send("go");
        assertThat(host.awaitExit(Duration.ofSeconds(30))).as("stderr:%n%s", host.stderr()).isZero();

        zoo.allEndWithin(Duration.ofSeconds(5));
        assertThat(host.stderr()).contains("[reap] reaped 2 processes").doesNotContain("AccessControlException");
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource(Jdk.EVERY)
    void aLateSecurityManagerThatDeniesTheAgentGetsOneLineNotAStackTrace(int major) throws Exception {
        Host host = underPolicy(major, false, "allow").start(dev.reap.it.hosts.LateSecurityManagerHost.class);
        Zoo zoo = Zoo.ready(host, dir, List.of("plain", "plain@2"));
        try {
            assertThat(eventually(Duration.ofSeconds(10), () -> host.stderr().contains("[reap] warning: the watchdog is lost: ")))
                    .as("stderr:%n%s", host.stderr()).isTrue();
            host.send("go");
            assertThat(host.awaitExit(Duration.ofSeconds(30))).as("stderr:%n%s", host.stderr()).isZero();
            assertThat(host.stderr()).contains("grant the agent's jar java.security.AllPermission")
                    .doesNotContain("Exception in thread").doesNotContain("\tat ");
        } finally {
            // denied, the agent could not end them: the test does
            zoo.endSurvivors();
        }
    }

    private Host.Builder underPolicy(int major, boolean grantAgent) throws Exception {
        return underPolicy(major, grantAgent, "");
    }

    /**
     * A host under the default SecurityManager, with a policy granting its own classes only what
     * they need (files and processes, reading properties), and the agent's jar everything when asked.
     */
    private Host.Builder underPolicy(int major, boolean grantAgent, String manager) throws Exception {
        Assumptions.assumeTrue(major < 24, "JDK " + major + " cannot enable a SecurityManager");
        Path hosts = Paths.get(System.getProperty("it.hosts", "target/test-classes")).toAbsolutePath();
        String policy = "grant codeBase \"file:" + hosts + "/-\" {\n"
                + "  permission java.io.FilePermission \"<<ALL FILES>>\", \"read,write,execute,delete\";\n"
                + "  permission java.util.PropertyPermission \"*\", \"read\";\n"
                + "  permission java.lang.RuntimePermission \"setSecurityManager\";\n};\n"
                + (grantAgent ? "grant codeBase \"file:" + Host.AGENT_JAR + "\" { permission java.security.AllPermission; };\n" : "");
        Path file = Files.write(dir.resolve("java.policy"), policy.getBytes(StandardCharsets.UTF_8));
        return host(Jdk.require(major)).agent().jvmOption("-Djava.security.manager" + (manager.isEmpty() ? "" : "=" + manager))
                .jvmOption("-Djava.security.policy==" + file);
    }
}
