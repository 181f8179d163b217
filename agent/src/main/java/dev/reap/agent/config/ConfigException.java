package dev.reap.agent.config;

/**
 * A user's configuration mistake. The message is one line naming the key, the value, where it
 * came from and what is accepted; callers print it as it is, never with a stack trace.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
