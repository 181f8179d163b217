package dev.reap.agent.scope;

import java.util.Optional;

/**
 * The test a spawn comes from, read off the spawning thread's stack: for the runners that report no
 * JUnit Platform test plan (JUnit 4's own runners under Surefire's JUnit 4 providers, TestNG), the
 * frame their invoker calls reflectively is the test (or its {@code @Before} or {@code @BeforeClass}
 * method). Nothing is hooked, so a JVM pays nothing per class it loads; only a JVM that runs a test
 * runner pays one stack walk per spawn.
 */
final class TestFrames {
    /** The invokers' classes: the frame they call is the user's test method (reflection frames are hidden from the walk). */
    private static final String[] INVOKERS = {
        "org.junit.runners.model.FrameworkMethod$1", "org.testng.internal.invokers.MethodInvocationHelper",
        "org.testng.internal.MethodInvocationHelper",
    };
    /** How {@code sun.java.command} names a test runner's JVM: Surefire's and Failsafe's booter, Gradle's worker, the IDEs', JUnit 4's and TestNG's own. */
    private static final String[] RUNNERS = {
        "surefirebooter", "ForkedBooter", "GradleWorkerMain", "JUnitStarter", "RemoteTestRunner", "org.junit.runner.JUnitCore",
        "org.testng.", "JUnitTestRunner",
    };
    private static final StackWalker WALKER = StackWalker.getInstance();

    private TestFrames() {
    }

    /** True in a JVM started to run tests. */
    static boolean inTestRunner() {
        String command = System.getProperty("sun.java.command", "");
        for (String runner : RUNNERS) {
            if (command.contains(runner)) {
                return true;
            }
        }
        return false;
    }

    /** {@code com.acme.ServerTest#starts()}, or null when no runner's invoker is on this thread's stack. */
    static String testOnStack() {
        return WALKER.walk(frames -> {
            StackWalker.StackFrame[] previous = new StackWalker.StackFrame[1];
            Optional<StackWalker.StackFrame> invoker = frames.filter(frame -> {
                if (isInvoker(frame.getClassName())) {
                    return true;
                }
                previous[0] = frame;
                return false;
            }).findFirst();
            return invoker.isPresent() && previous[0] != null ? previous[0].getClassName() + "#" + previous[0].getMethodName() + "()" : null;
        });
    }

    private static boolean isInvoker(String className) {
        for (String invoker : INVOKERS) {
            if (className.equals(invoker)) {
                return true;
            }
        }
        return false;
    }
}
