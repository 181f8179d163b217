package dev.reap.agent.scope;

import dev.reap.agent.config.ConfigException;
import dev.reap.agent.config.ConfigLoader;
import dev.reap.agent.reap.Outcome;
import dev.reap.agent.session.Child;
import dev.reap.agent.session.Session;
import dev.reap.agent.session.SpawnSite;
import dev.reap.agent.testing.Children;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Which JUnit scope each spawn belongs to, and what a scope's end does to its children, on real processes. */
class TestScopesTest {
    private static final Session SESSION = Session.current(Map.of());
    private final Children children = new Children();

    @AfterEach
    void cleanUp() {
        children.close();
    }

    private static TestScopes scopes(String options) throws ConfigException {
        return new TestScopes(ConfigLoader.load(options, new Properties(), Map.of()), SESSION, null);
    }

    private Child spawnIn(TestScope scope) throws Exception {
        Process p = children.start("sleep", "600");
        Child child = new Child(p, List.of("sleep", "600"), System.currentTimeMillis(), SpawnSite.UNKNOWN, scope.name());
        scope.spawned(child);
        return child;
    }

    @Test
    void aTestsScopeHoldsOnItsThreadAndOnThreadsItStartsThenGivesWayToTheOneBefore() throws Exception {
        TestScopes scopes = scopes("");
        assertThat(scopes.current()).as("outside any run").isNull();
        scopes.runStarted();
        scopes.started("[class]", null, "com.acme.ServerIT");
        scopes.started("[method]", "[class]", "com.acme.ServerIT#starts()");
        assertThat(scopes.current().name()).isEqualTo("com.acme.ServerIT#starts()");
        AtomicReference<String> seen = new AtomicReference<>();
        Thread helper = new Thread(() -> seen.set(scopes.current().name()));
        helper.start();
        helper.join();
        assertThat(seen.get()).as("a thread the test started").isEqualTo("com.acme.ServerIT#starts()");

        scopes.finished("[method]");
        assertThat(scopes.current().name()).isEqualTo("com.acme.ServerIT");
        scopes.finished("[class]");
        assertThat(scopes.current().name()).as("the run itself has no name").isNull();
    }

    @Test
    void withTheJvmScopeChildrenAreTaggedWithTheirTestAndOutliveIt() throws Exception {
        TestScopes scopes = scopes("");
        scopes.runStarted();
        scopes.started("[method]", null, "com.acme.ServerIT#starts()");
        String tag = scopes.tagForCurrentThread();
        assertThat(tag).as("the tag a daemon keeps when it leaves the tree").startsWith(SESSION.id() + "/");
        Child child = spawnIn(scopes.current());

        scopes.finished("[method]");

        assertThat(child.process().isAlive()).as("reap.scope=jvm: left for the JVM's end").isTrue();
        assertThat(scopes.reaped()).isEmpty();
        assertThat(scopes.originOf(tag).test()).as("named by its test at exit").isEqualTo("com.acme.ServerIT#starts()");
        assertThat(scopes.originOf(SESSION.id() + "/999")).as("a tag of no test of ours").isNull();
    }

    @Test
    void withTheTestScopeATestsEndReapsWhatItSpawnedAndRemembersItForTheReport() throws Exception {
        TestScopes scopes = scopes("scope=test,grace=1s");
        scopes.runStarted();
        scopes.started("[method]", null, "com.acme.ServerIT#starts()");
        assertThat(scopes.tagForCurrentThread()).startsWith(SESSION.id() + "/");
        Child child = spawnIn(scopes.current());

        scopes.finished("[method]");

        assertThat(child.process().isAlive()).isFalse();
        assertThat(scopes.reaped()).hasSize(1);
        Outcome outcome = scopes.reaped().get(0);
        assertThat(outcome.target().pid()).isEqualTo(child.pid());
        assertThat(outcome.kind()).isEqualTo(Outcome.Kind.ENDED);
        assertThat(outcome.target().origin().test()).isEqualTo("com.acme.ServerIT#starts()");
    }

    @Test
    void aScopeThatSpawnsThousandsKeepsOnlyItsLiveChildren() throws Exception {
        TestScopes scopes = scopes("");
        scopes.runStarted();
        TestScope scope = scopes.current();
        Child alive = spawnIn(scope);
        for (int i = 0; i < 100; i++) {
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            scope.spawned(new Child(p, List.of("true"), 0, SpawnSite.UNKNOWN, null));
        }
        assertThat(scope.liveChildren()).extracting(Child::pid).containsExactly(alive.pid());
        assertThat(scope.size()).as("exited children pruned as the list grew").isLessThanOrEqualTo(32);
    }
}
