package dev.reap.agent.config;

import dev.reap.agent.log.Loggers;

import java.util.Map;
import java.util.Properties;

/**
 * The one parser and the one precedence rule for configuration: agent options
 * ({@code grace=5s,log=debug}) over system properties ({@code reap.grace}) over the environment
 * ({@code REAP_GRACE}) over the defaults. Every error is a {@link ConfigException} with a one-line
 * message.
 */
public final class ConfigLoader {
    /** The value of a key left at its default, until it is first asked for (see {@link Config#value}). */
    static final Object UNPARSED = new Object();

    private final Map<Key, String> agentOptions;
    /** What the options are called in a mistake's line: "agent options", or "run's arguments". */
    private final String optionsName;
    private volatile Config atStart;
    private volatile boolean warnedAtExit;
    private volatile boolean warnedSetLate;

    private ConfigLoader(Map<Key, String> agentOptions, String optionsName) {
        this.agentOptions = agentOptions;
        this.optionsName = optionsName;
    }

    /** Validates the agent options text alone (the attach CLI uses this before touching a JVM). */
    public static ConfigLoader forAgentOptions(String options) throws ConfigException {
        // no options (the usual case): their parser is not even loaded
        boolean none = options == null || options.trim().isEmpty();
        return new ConfigLoader(none ? Map.of() : AgentOptions.parse(options, "agent options"), "agent options");
    }

    /** The {@code run} command's {@code key=value} arguments, as agent options. */
    public static ConfigLoader forRunArguments(String options) throws ConfigException {
        return forOptionsNamed(options, "run's arguments");
    }

    /** Agent options that come from somewhere else, called {@code name} in a mistake's line ("the plugin's configuration"). */
    public static ConfigLoader forOptionsNamed(String options, String name) throws ConfigException {
        return new ConfigLoader(AgentOptions.parse(options, name), name);
    }

    public static Config load(String agentOptions, Properties properties, Map<String, String> environment)
            throws ConfigException {
        return forAgentOptions(agentOptions).load(properties, environment);
    }

    /** The configuration now; an unknown {@code reap.*} property is an error. Remembered for {@link #atExit()}. */
    public Config load(Properties properties, Map<String, String> environment) throws ConfigException {
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(Key.PREFIX) && Key.byName(name) == null) {
                throw AgentOptions.unknownKey(name, "system property -D" + name);
            }
        }
        Config config = resolve(properties, environment, false);
        atStart = config;
        return config;
    }

    /**
     * The keys that act at exit ({@link Key#readAgainAtExit()}), read again from {@code properties}
     * and {@code environment}, so that values set after {@code premain} (Surefire's
     * {@code systemPropertyVariables}) take effect; agent options still win. Other keys keep their
     * values of {@code atStart}.
     */
    public Config reloadExitKeys(Config atStart, Properties properties, Map<String, String> environment)
            throws ConfigException {
        return atStart.withExitKeysOf(resolve(properties, environment, true));
    }

    /**
     * {@link #reloadExitKeys} from today's system properties and environment, for the exit hook and
     * the watchdog; an invalid value keeps the start-up configuration, with one warning.
     */
    public Config atExit() {
        warnIfSetTooLate(System.getProperties());
        try {
            return reloadExitKeys(atStart, System.getProperties(), System.getenv());
        } catch (ConfigException e) {
            if (!warnedAtExit) {
                warnedAtExit = true;
                Loggers.get(ConfigLoader.class).warn("{}; using the values read at start-up", e.getMessage());
            }
            return atStart;
        }
    }

    /**
     * One warning for a key that is read only at start-up whose system property was set since
     * (Surefire's {@code systemPropertyVariables} are set after {@code premain}): it does nothing.
     */
    private void warnIfSetTooLate(Properties properties) {
        Config start = atStart;
        if (warnedSetLate || start == null) {
            return;
        }
        for (Key key : Key.values()) {
            String now = properties.getProperty(key.property());
            if (!key.readAgainAtExit() && !agentOptions.containsKey(key) && now != null && !now.equals(start.text(key))) {
                warnedSetLate = true;
                Loggers.get(ConfigLoader.class).warn("{}={} was set after the JVM started (Surefire's "
                        + "systemPropertyVariables?) and is read only at start-up: it has no effect; set it where the JVM "
                        + "starts (-D{}={} in argLine, or the agent options)", key.property(), now, key.property(), now);
                return;
            }
        }
    }

    /** {@code exitKeysOnly}: the others are left out, unjudged (a value set since start-up is not read for them). */
    private Config resolve(Properties properties, Map<String, String> environment, boolean exitKeysOnly)
            throws ConfigException {
        Key[] keys = Key.values();
        Object[] values = new Object[keys.length];
        String[] texts = new String[keys.length];
        for (Key key : keys) {
            if (exitKeysOnly && !key.readAgainAtExit()) {
                continue;
            }
            String text = text(key, properties, environment);
            try {
                // the default's very string: nobody set the key, and there is nothing to validate
                values[key.ordinal()] = text == null ? null
                        : text == key.defaultValue() ? UNPARSED : KeyValues.parse(key, text);
            } catch (ConfigException accepted) {
                throw new ConfigException("invalid " + key.property() + "='" + text + "' (from "
                        + from(key, properties, environment) + "): expected " + accepted.getMessage());
            }
            texts[key.ordinal()] = text;
        }
        return new Config(values, texts);
    }

    /** A default's value, made when first asked for. */
    static Object parseDefault(Key key) {
        try {
            return KeyValues.parse(key, key.defaultValue());
        } catch (ConfigException e) {
            throw new IllegalStateException("the default of " + key.property() + " is invalid", e);
        }
    }

    /** The value the precedence rule picks, as text; null when the key has none. */
    private String text(Key key, Properties properties, Map<String, String> environment) {
        String value = agentOptions.get(key);
        if (value == null) {
            value = properties.getProperty(key.property());
        }
        if (value == null) {
            value = environment.get(key.environmentVariable());
        }
        return value != null ? value : key.defaultValue();
    }

    /** Where {@link #text} found the value, for an error message. */
    private String from(Key key, Properties properties, Map<String, String> environment) {
        return agentOptions.containsKey(key) ? optionsName + " " + key.shortName()
                : properties.getProperty(key.property()) != null ? "system property -D" + key.property()
                : environment.containsKey(key.environmentVariable()) ? "environment " + key.environmentVariable()
                : "default " + key.property();
    }
}
