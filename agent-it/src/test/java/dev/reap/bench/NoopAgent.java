package dev.reap.bench;

import java.lang.instrument.Instrumentation;

/** The floor any {@code -javaagent} pays: an agent that does nothing. */
public final class NoopAgent {
    private NoopAgent() {
    }

    public static void premain(String options, Instrumentation instrumentation) {
        // nothing, on purpose
    }
}
