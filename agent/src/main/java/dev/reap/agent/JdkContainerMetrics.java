package dev.reap.agent;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;

/**
 * Before the JVM moves into its session's cgroup: the JDK's container metrics (what
 * {@code OperatingSystemMXBean} reports in a container) name the cgroup they read once, when first
 * made; made now, they keep reading the JVM's own cgroup, not the session's, which has no limit
 * files of its own. HotSpot's own container figures (heap sizing, CPU count) were read at JVM start.
 */
final class JdkContainerMetrics {
    private JdkContainerMetrics() {
    }

    /** Makes them now; quietly nothing when this JDK has none, or forbids it. */
    static void pin(Instrumentation instrumentation) {
        if (instrumentation == null) {
            return;
        }
        try {
            Module base = Object.class.getModule();
            instrumentation.redefineModule(base, Set.of(),
                    Map.of("jdk.internal.platform", Set.of(JdkContainerMetrics.class.getModule())), Map.of(), Set.of(),
                    Map.of());
            Class.forName("jdk.internal.platform.Container").getMethod("metrics").invoke(null);
        } catch (Throwable t) {
            AgentRuntime.debug("the JDK's container metrics were not made before the session cgroup: " + t);
        }
    }
}
