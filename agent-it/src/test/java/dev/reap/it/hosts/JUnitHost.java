package dev.reap.it.hosts;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * A test run as Surefire's fork makes one: the JUnit Platform launcher, its listeners found by
 * {@code ServiceLoader} (the agent's among them, from the {@code -javaagent} jar), running the
 * sample classes named in the arguments. Prints {@code run: <succeeded> passed, <failed> failed}
 * at the end, then waits for a line on stdin before it exits (the test looks at the processes
 * first).
 */
public final class JUnitHost {
    private JUnitHost() {
    }

    public static void main(String[] args) throws Exception {
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        for (String name : args) {
            request.selectors(selectClass(Class.forName(name)));
        }
        LauncherDiscoveryRequest built = request.build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(built, summary);
        System.out.println("run: " + summary.getSummary().getTestsSucceededCount() + " passed, "
                + summary.getSummary().getTestsFailedCount() + " failed");
        summary.getSummary().getFailures().forEach(f -> System.out.println("failure: " + f.getTestIdentifier().getDisplayName()
                + ": " + f.getException()));
        System.out.println("ready");
        System.out.flush();
        new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
    }
}
