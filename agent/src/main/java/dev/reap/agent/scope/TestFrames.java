package dev.reap.agent.scope;

/**
 * The test a spawn comes from, read off the spawning thread's stack: for the runners that report no
 * JUnit Platform test plan (JUnit 4's own runners under Surefire's JUnit 4 providers, TestNG), the
 * frame their invoker calls reflectively is the test (or its {@code @Before} or {@code @BeforeClass}
 * method). Nothing is hooked, so a JVM pays nothing per class it loads; only a JVM that runs a test
 * runner pays a look at the stack per spawn.
 */
public final class TestFrames {
    /** The invokers' classes: the frame they call is the user's test method (reflection's frames in between are skipped). */
    private static final String[] INVOKERS = {
        "org.junit.runners.model.FrameworkMethod$1", "org.testng.internal.invokers.MethodInvocationHelper",
        "org.testng.internal.MethodInvocationHelper",
    };
    /** How {@code sun.java.command} names a test runner's JVM: Surefire's and Failsafe's booter, Gradle's worker, the IDEs', JUnit 4's and TestNG's own. */
    private static final String[] RUNNERS = {
        "surefirebooter", "ForkedBooter", "GradleWorkerMain", "JUnitStarter", "RemoteTestRunner", "org.junit.runner.JUnitCore",
        "org.testng.", "JUnitTestRunner",
    };

    private TestFrames() {
    }

    /** True in a JVM started to run tests. */
    public static boolean inTestRunner() {
        String command = System.getProperty("sun.java.command", "");
        for (String runner : RUNNERS) {
            if (command.contains(runner)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code com.acme.ServerTest#starts()}, or null when no runner's invoker is on this thread's
     * stack. A {@code Throwable}'s trace, not a {@code StackWalker}: its first use costs 0.2 ms, a
     * walker's 3 ms (warm, at 60 frames, 15-40 us either way).
     */
    static String testOnStack() {
        StackTraceElement caller = null;
        for (StackTraceElement frame : new Throwable().getStackTrace()) {
            String name = frame.getClassName();
            if (isInvoker(name)) {
                return caller == null ? null : caller.getClassName() + "#" + caller.getMethodName() + "()";
            }
            if (!isReflection(name)) {
                caller = frame;
            }
        }
        return null;
    }

    /** Between the invoker and the test: {@code Method.invoke} and its implementation. */
    private static boolean isReflection(String className) {
        return className.startsWith("jdk.internal.reflect.") || className.startsWith("sun.reflect.")
                || className.startsWith("java.lang.reflect.") || className.startsWith("java.lang.invoke.");
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
