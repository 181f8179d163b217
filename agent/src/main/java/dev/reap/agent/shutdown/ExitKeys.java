package dev.reap.agent.shutdown;

import dev.reap.agent.config.Config;
import dev.reap.agent.config.ConfigException;
import dev.reap.agent.config.ConfigLoader;
import dev.reap.agent.config.Key;
import dev.reap.agent.log.Loggers;

import java.util.function.Supplier;

/**
 * The configuration as it is now for the keys that act at exit ({@link Key#readAgainAtExit()}):
 * read again from today's system properties and environment, so that values set after
 * {@code premain} (Surefire's {@code systemPropertyVariables}) take effect. The exit hook asks at
 * exit, the watchdog when it starts. An invalid value keeps the start-up configuration, with one
 * warning.
 */
public final class ExitKeys implements Supplier<Config> {
    private final Config atStart;
    private final ConfigLoader loader;
    private volatile boolean warned;

    public ExitKeys(Config atStart, ConfigLoader loader) {
        this.atStart = atStart;
        this.loader = loader;
    }

    /** The configuration read at start-up. */
    public Config atStart() {
        return atStart;
    }

    @Override
    public Config get() {
        try {
            return loader.reloadExitKeys(atStart, System.getProperties(), System.getenv());
        } catch (ConfigException e) {
            if (!warned) {
                warned = true;
                Loggers.get(ExitKeys.class).warn("{}; using the values read at start-up", e.getMessage());
            }
            return atStart;
        }
    }
}
