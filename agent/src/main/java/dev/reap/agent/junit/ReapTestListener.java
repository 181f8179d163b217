package dev.reap.agent.junit;

import dev.reap.agent.Agent;
import dev.reap.agent.AgentRuntime;
import dev.reap.agent.proc.Privileged;
import dev.reap.agent.scope.TestScopes;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Tells the agent which JUnit test or class runs on which thread. Registered through
 * {@code META-INF/services} in the agent jar, which {@code -javaagent} puts on the system class
 * path, so any JUnit Platform run (5 or 6) finds it with no configuration. The only class of the
 * agent that names JUnit's types, and never relocated: nothing else refers to it, so it is loaded
 * only by JUnit's own {@code ServiceLoader}. Where the agent is not running (the jar merely on a
 * class path), it does nothing.
 */
public final class ReapTestListener implements TestExecutionListener {
    // JUnit's code is on the stack of every call: the agent's work runs with its own permissions (see Privileged)
    private final TestScopes scopes = Privileged.call(ReapTestListener::scopesOfTheAgent);

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        if (scopes != null) {
            Privileged.run(scopes::runStarted);
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (scopes != null) {
            Privileged.run(scopes::runFinished);
        }
    }

    @Override
    public void executionStarted(TestIdentifier identifier) {
        String name = scopes == null ? null : nameOf(identifier);
        if (name != null) {
            Privileged.run(() -> scopes.started(identifier.getUniqueId(), identifier.getParentId().orElse(null), name));
        }
    }

    @Override
    public void executionFinished(TestIdentifier identifier, TestExecutionResult result) {
        if (scopes != null) {
            Privileged.run(() -> scopes.finished(identifier.getUniqueId()));
        }
    }

    private static TestScopes scopesOfTheAgent() {
        AgentRuntime runtime = Agent.running();
        return runtime == null ? null : runtime.testScopes();
    }

    /**
     * {@code com.acme.ServerIT#starts()}, {@code com.acme.ServerIT#port(int) [2] 8080} for an
     * invocation of a parameterized test, {@code com.acme.ServerIT} for a class; null for what is
     * neither (an engine).
     */
    static String nameOf(TestIdentifier identifier) {
        TestSource source = identifier.getSource().orElse(null);
        if (source instanceof MethodSource) {
            MethodSource method = (MethodSource) source;
            String name = method.getClassName() + "#" + method.getMethodName() + "(" + method.getMethodParameterTypes() + ")";
            String display = identifier.getDisplayName();
            return identifier.isTest() && display.startsWith("[") ? name + " " + display : name;
        }
        if (source instanceof ClassSource) {
            return ((ClassSource) source).getClassName();
        }
        return null;
    }
}
