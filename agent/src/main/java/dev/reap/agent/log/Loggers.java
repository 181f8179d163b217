package dev.reap.agent.log;

import org.slf4j.Logger;

/**
 * Makes the agent's loggers (see {@link Log}). Apart from {@link Log} so that the start-up path,
 * which only sets the level and asks whether debug lines are wanted, never loads SLF4J's
 * {@code Logger}: the verifier loads that interface with any class that returns one.
 */
public final class Loggers {
    private Loggers() {
    }

    public static Logger get(Class<?> type) {
        return new ReapLogger(type.getName());
    }
}
