package dev.reap.agent.spawn;

import dev.reap.agent.junit.TestScopes;
import dev.reap.agent.session.Session;

import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Gives each child the session tag: a copy of the environment it would get, with
 * {@value Session#TAG} set to this JVM's chain (and, with {@code reap.scope=test}, inside a JUnit
 * test, {@value TestScopes#TAG} naming the test). The builder's own map is never changed.
 */
public final class ChildTagger implements UnaryOperator<Map<String, String>> {
    private final String chain;

    public ChildTagger(String chain) {
        this.chain = chain;
    }

    @Override
    public Map<String, String> apply(Map<String, String> environment) {
        if (OwnSpawns.inProgress()) {
            return environment;
        }
        TestScopes tests = SpawnRecorder.testScopes();
        String scope = tests == null ? null : tests.tagForCurrentThread();
        if (environment != null && chain.equals(environment.get(Session.TAG))
                && (scope == null || scope.equals(environment.get(TestScopes.TAG)))) {
            return environment;
        }
        // A fresh builder's environment() is the JDK's own map type, which ProcessImpl requires.
        Map<String, String> tagged = new ProcessBuilder().environment();
        if (environment != null) {
            tagged.clear();
            tagged.putAll(environment);
        }
        tagged.put(Session.TAG, chain);
        if (scope != null) {
            tagged.put(TestScopes.TAG, scope);
        }
        return tagged;
    }
}
