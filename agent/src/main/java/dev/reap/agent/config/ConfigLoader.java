package dev.reap.agent.config;

import dev.reap.agent.log.LogLevel;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.reap.Signal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

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
                        : text == key.defaultValue() ? UNPARSED : parse(key, text);
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
            return parse(key, key.defaultValue());
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

    /**
     * The value of {@code text} for {@code key}; a {@link ConfigException} saying what is accepted
     * when it is none.
     */
    private static Object parse(Key key, String text) throws ConfigException {
        if (key == Key.GRACE) {
            Duration d = Durations.parse(text);
            if (d == null) {
                throw new ConfigException(Durations.ACCEPTED);
            }
            return d;
        }
        if (key == Key.SIGNALS) {
            return signals(text);
        }
        if (key == Key.EXCLUDE) {
            return pattern(text);
        }
        if (key == Key.LOG) {
            LogLevel level = LogLevel.parse(text);
            if (level == null) {
                throw new ConfigException("one of off, error, warn, info, debug");
            }
            return level;
        }
        if (key == Key.REPORT) {
            if (text.trim().isEmpty()) {
                throw new ConfigException("a file path; %p stands for the JVM's PID");
            }
            return text.trim();
        }
        if (key == Key.LEAKS) {
            return choice(text, Config.Leaks.values());
        }
        if (key == Key.SCOPE) {
            return choice(text, Config.Scope.values());
        }
        if (key == Key.CGROUP) {
            return choice(text, Config.Cgroup.values());
        }
        return bool(text);
    }

    private static List<Signal> signals(String text) throws ConfigException {
        ConfigException accepted = new ConfigException("a comma-separated list of signals ending in KILL, such as "
                + "INT,TERM,KILL (names " + Signal.acceptedNames() + ", or their numbers)");
        List<Signal> signals = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == ',' || text.charAt(i) == '+') {
                Signal s = Signal.parse(text.substring(start, i));
                if (s != null && signals.contains(s)) {
                    throw new ConfigException(accepted.getMessage() + "; " + s.name() + " is given twice: each rung is a different signal");
                }
                if (s == null) {
                    throw accepted;
                }
                signals.add(s);
                start = i + 1;
            }
        }
        if (signals.get(signals.size() - 1) != Signal.KILL) {
            throw accepted;
        }
        return List.copyOf(signals);
    }

    private static Boolean bool(String text) throws ConfigException {
        String v = text.trim().toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("yes") || v.equals("on") || v.equals("1")) {
            return Boolean.TRUE;
        }
        if (v.equals("false") || v.equals("no") || v.equals("off") || v.equals("0")) {
            return Boolean.FALSE;
        }
        throw new ConfigException("true or false (also yes or no, on or off, 1 or 0)");
    }

    private static Pattern pattern(String text) throws ConfigException {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw new ConfigException("a Java regular expression (" + e.getDescription() + " near index " + e.getIndex() + ")");
        }
    }

    /**
     * One of an enum's {@code constants}. Takes them, not the class (getEnumConstants() is
     * reflection), typed {@code Object[]}: the verifier then need not load the enum to check them.
     */
    private static Object choice(String text, Object[] constants) throws ConfigException {
        StringBuilder accepted = new StringBuilder("one of ");
        for (Object constant : constants) {
            Enum<?> e = (Enum<?>) constant;
            if (e.name().equalsIgnoreCase(text.trim())) {
                return e;
            }
            accepted.append(e.ordinal() > 0 ? ", " : "").append(e.name().toLowerCase(Locale.ROOT));
        }
        throw new ConfigException(accepted.toString());
    }
}
