package dev.reap.agent.proc;

import java.io.IOException;

/**
 * Starts the agent's own helper processes ({@code kill}, later the watchdog): never recorded,
 * never tagged, so never reaped as if they were the host's.
 */
public final class OwnSpawns {
    private static final ThreadLocal<Boolean> SPAWNING = new ThreadLocal<>();

    private OwnSpawns() {
    }

    public static Process start(ProcessBuilder builder) throws IOException {
        SPAWNING.set(Boolean.TRUE);
        try {
            return builder.start();
        } finally {
            SPAWNING.remove();
        }
    }

    /** True while the current thread is starting one of the agent's own processes. */
    public static boolean inProgress() {
        return SPAWNING.get() != null;
    }
}
