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
    private final Map<Key, String> agentOptions;
    private volatile Config atStart;
    private volatile boolean warnedAtExit;

    private ConfigLoader(Map<Key, String> agentOptions) {
        this.agentOptions = agentOptions;
    }

    /** Validates the agent options text alone (the attach CLI uses this before touching a JVM). */
    public static ConfigLoader forAgentOptions(String options) throws ConfigException {
        // no options (the usual case): their parser is not even loaded
        boolean none = options == null || options.trim().isEmpty();
        return new ConfigLoader(none ? Map.of() : AgentOptions.parse(options));
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
        Config config = resolve(properties, environment);
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
        return atStart.withExitKeysOf(resolve(properties, environment));
    }

    /**
     * {@link #reloadExitKeys} from today's system properties and environment, for the exit hook and
     * the watchdog; an invalid value keeps the start-up configuration, with one warning.
     */
    public Config atExit() {
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

    private Config resolve(Properties properties, Map<String, String> environment) throws ConfigException {
        Key[] keys = Key.values();
        Object[] values = new Object[keys.length];
        String[] texts = new String[keys.length];
        for (Key key : keys) {
            Raw raw = raw(key, properties, environment);
            values[key.ordinal()] = raw.value == null ? null : parse(raw);
            texts[key.ordinal()] = raw.value;
        }
        return new Config(values, texts);
    }

    private Raw raw(Key key, Properties properties, Map<String, String> environment) {
        String value = agentOptions.get(key);
        if (value != null) {
            return new Raw(key, value, "agent options " + key.shortName());
        }
        value = properties.getProperty(key.property());
        if (value != null) {
            return new Raw(key, value, "system property -D" + key.property());
        }
        value = environment.get(key.environmentVariable());
        if (value != null) {
            return new Raw(key, value, "environment " + key.environmentVariable());
        }
        return new Raw(key, key.defaultValue(), "default " + key.property());
    }

    /** An if-chain, not a switch: javac compiles a switch on an enum into one more class to load. */
    private static Object parse(Raw raw) throws ConfigException {
        Key key = raw.key;
        if (key == Key.GRACE) {
            Duration d = Durations.parse(raw.value);
            if (d == null) {
                throw raw.invalid(Durations.ACCEPTED);
            }
            return d;
        }
        if (key == Key.SIGNALS) {
            return signals(raw);
        }
        if (key == Key.EXCLUDE) {
            return pattern(raw);
        }
        if (key == Key.LOG) {
            LogLevel level = LogLevel.parse(raw.value);
            if (level == null) {
                throw raw.invalid("one of off, error, warn, info, debug");
            }
            return level;
        }
        if (key == Key.REPORT) {
            if (raw.value.trim().isEmpty()) {
                throw raw.invalid("a file path; %p stands for the JVM's PID");
            }
            return raw.value.trim();
        }
        if (key == Key.LEAKS) {
            return choice(raw, Config.Leaks.values());
        }
        if (key == Key.SCOPE) {
            return choice(raw, Config.Scope.values());
        }
        return bool(raw);
    }

    private static List<Signal> signals(Raw raw) throws ConfigException {
        String accepted = "a comma-separated list of signals ending in KILL, such as INT,TERM,KILL (names "
                + Signal.acceptedNames() + ", or their numbers)";
        List<Signal> signals = new ArrayList<>();
        int start = 0;
        // split on ',' and '+' by hand: a regex split would load java.util.regex at every JVM start
        for (int i = 0; i <= raw.value.length(); i++) {
            if (i == raw.value.length() || raw.value.charAt(i) == ',' || raw.value.charAt(i) == '+') {
                Signal s = Signal.parse(raw.value.substring(start, i));
                if (s == null || signals.contains(s)) {
                    throw raw.invalid(accepted);
                }
                signals.add(s);
                start = i + 1;
            }
        }
        if (signals.get(signals.size() - 1) != Signal.KILL) {
            throw raw.invalid(accepted);
        }
        return List.copyOf(signals);
    }

    private static Boolean bool(Raw raw) throws ConfigException {
        String v = raw.value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("yes") || v.equals("on") || v.equals("1")) {
            return Boolean.TRUE;
        }
        if (v.equals("false") || v.equals("no") || v.equals("off") || v.equals("0")) {
            return Boolean.FALSE;
        }
        throw raw.invalid("true or false");
    }

    private static Pattern pattern(Raw raw) throws ConfigException {
        if (raw.value.isEmpty()) {
            return null;
        }
        try {
            return Pattern.compile(raw.value);
        } catch (PatternSyntaxException e) {
            throw raw.invalid("a Java regular expression (" + e.getDescription() + " near index " + e.getIndex() + ")");
        }
    }

    /** Takes the constants, not the class: getEnumConstants() is reflection, slow at start-up on JDK 18+. */
    private static <E extends Enum<E>> E choice(Raw raw, E[] constants) throws ConfigException {
        StringBuilder accepted = new StringBuilder("one of ");
        for (E e : constants) {
            if (e.name().equalsIgnoreCase(raw.value.trim())) {
                return e;
            }
            accepted.append(e.ordinal() > 0 ? ", " : "").append(e.name().toLowerCase(Locale.ROOT));
        }
        throw raw.invalid(accepted.toString());
    }

    /** A value as found, with where it came from, for error messages. */
    private static final class Raw {
        final Key key;
        final String value;
        final String from;

        Raw(Key key, String value, String from) {
            this.key = key;
            this.value = value;
            this.from = from;
        }

        ConfigException invalid(String accepted) {
            return new ConfigException("invalid " + key.property() + "='" + value + "' (from " + from
                    + "): expected " + accepted);
        }
    }
}
