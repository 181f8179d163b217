package dev.reap.it.hosts;

import java.lang.instrument.Instrumentation;

/**
 * Another agent, as a profiler or mocking library would be: it keeps its {@link Instrumentation}
 * so that {@link RetransformHost} can retransform {@code ProcessBuilder} after reap-agent hooked it.
 */
public final class RetransformingAgent {
    private static volatile Instrumentation instrumentation;

    private RetransformingAgent() {
    }

    public static void premain(String options, Instrumentation inst) {
        instrumentation = inst;
    }

    static Instrumentation instrumentation() {
        return instrumentation;
    }
}
