package dev.reap.agent.config;

import dev.reap.agent.reap.Signal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The one parser for configuration: agent options ({@code grace=5s,log=debug}) over system
 * properties ({@code reap.grace}) over the environment ({@code REAP_GRACE}) over the defaults.
 * Every error is a {@link ConfigException} with a one-line message.
 */
public final class ConfigLoader {
    private static final String BOOLEAN = "true or false";

    private final Map<Key, String> agentOptions;

    private ConfigLoader(Map<Key, String> agentOptions) {
        this.agentOptions = agentOptions;
    }

    /** Validates the agent options text alone (the attach CLI uses this before touching a JVM). */
    public static ConfigLoader forAgentOptions(String options) throws ConfigException {
        return new ConfigLoader(parseAgentOptions(options));
    }

    public static Config load(String agentOptions, Properties properties, Map<String, String> environment)
            throws ConfigException {
        return forAgentOptions(agentOptions).load(properties, environment);
    }

    public Config load(Properties properties, Map<String, String> environment) throws ConfigException {
        rejectUnknownProperties(properties);
        Map<Key, Raw> raw = new EnumMap<>(Key.class);
        for (Key key : Key.values()) {
            raw.put(key, resolve(key, properties, environment));
        }
        return build(raw);
    }

    /**
     * The keys that act at exit, read again from today's properties and environment; agent
     * options still win. Other keys keep their start-up values.
     */
    public Config reloadExitKeys(Config atStart, Properties properties, Map<String, String> environment)
            throws ConfigException {
        Map<Key, Raw> raw = new EnumMap<>(Key.class);
        for (Key key : Key.values()) {
            raw.put(key, resolve(key, properties, environment));
        }
        Config now = build(raw);
        return new Config(now.grace(), now.signals(), atStart.enabled(), atStart.watchdog(), atStart.sweep(),
                now.exclude(), atStart.log(), now.report(), atStart.stacks(), atStart.leaks(), atStart.scope());
    }

    private Raw resolve(Key key, Properties properties, Map<String, String> environment) {
        String value = agentOptions.get(key);
        if (value != null) {
            return new Raw(key, value, Source.AGENT_ARGUMENTS, key.shortName());
        }
        value = properties.getProperty(key.property());
        if (value != null) {
            return new Raw(key, value, Source.SYSTEM_PROPERTY, "-D" + key.property());
        }
        value = environment.get(key.environmentVariable());
        if (value != null) {
            return new Raw(key, value, Source.ENVIRONMENT, key.environmentVariable());
        }
        return new Raw(key, key.defaultValue(), Source.DEFAULT, key.property());
    }

    private static Config build(Map<Key, Raw> raw) throws ConfigException {
        return new Config(
                duration(raw.get(Key.GRACE)),
                signals(raw.get(Key.SIGNALS)),
                bool(raw.get(Key.ENABLED)),
                bool(raw.get(Key.WATCHDOG)),
                bool(raw.get(Key.SWEEP)),
                pattern(raw.get(Key.EXCLUDE)),
                logLevel(raw.get(Key.LOG)),
                path(raw.get(Key.REPORT)),
                bool(raw.get(Key.STACKS)),
                choice(raw.get(Key.LEAKS), Config.Leaks.values()),
                choice(raw.get(Key.SCOPE), Config.Scope.values()));
    }

    // ---- agent options: key=value[,key=value...] ----

    static Map<Key, String> parseAgentOptions(String options) throws ConfigException {
        Map<Key, String> result = new LinkedHashMap<>();
        if (options == null || options.trim().isEmpty()) {
            return result;
        }
        for (String item : splitOptions(options)) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("agent option '" + item + "' is not key=value; accepted: "
                        + "-javaagent:reap-agent.jar=grace=5s,log=debug (keys: " + knownKeys(false) + ")");
            }
            String name = item.substring(0, eq).trim();
            Key key = Key.byName(name);
            if (key == null) {
                throw unknownKey(name, "agent options");
            }
            if (result.containsKey(key)) {
                throw new ConfigException("agent option " + key.shortName() + " is given twice");
            }
            result.put(key, item.substring(eq + 1));
        }
        return result;
    }

    /**
     * Splits on the commas that start a new {@code key=} item, so that values may hold commas
     * themselves: {@code signals=INT,TERM,KILL} and {@code exclude=x{1,3}} stay whole.
     */
    static List<String> splitOptions(String options) {
        List<String> items = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        String[] pieces = options.split(",", -1);
        for (int i = 0; i < pieces.length; i++) {
            String piece = pieces[i];
            if (i > 0 && !startsNewItem(piece)) {
                current.append(',').append(piece);
                continue;
            }
            if (i > 0) {
                items.add(current.toString().trim());
            }
            current.setLength(0);
            current.append(piece);
        }
        items.add(current.toString().trim());
        return items;
    }

    private static boolean startsNewItem(String piece) {
        int eq = piece.indexOf('=');
        if (eq <= 0) {
            return false;
        }
        String name = piece.substring(0, eq).trim();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static void rejectUnknownProperties(Properties properties) throws ConfigException {
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(Key.PREFIX) && Key.byName(name) == null) {
                throw unknownKey(name, "system property -D" + name);
            }
        }
    }

    private static ConfigException unknownKey(String name, String where) {
        String bare = name.startsWith(Key.PREFIX) ? name.substring(Key.PREFIX.length()) : name;
        Key nearest = nearest(bare);
        String full = name.startsWith(Key.PREFIX) ? name : Key.PREFIX + name;
        String hint = nearest != null
                ? "did you mean " + (name.startsWith(Key.PREFIX) ? nearest.property() : nearest.shortName()) + "?"
                : "known keys: " + knownKeys(true);
        return new ConfigException("unknown key " + full + " (from " + where + "): " + hint);
    }

    /** The known key closest to {@code name} by edit distance, when it is close enough to be a typo. */
    static Key nearest(String name) {
        Key best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Key key : Key.values()) {
            int d = editDistance(name.toLowerCase(Locale.ROOT), key.shortName());
            if (d < bestDistance) {
                best = key;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 3) ? best : null;
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }

    private static String knownKeys(boolean full) {
        StringBuilder sb = new StringBuilder();
        for (Key key : Key.values()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(full ? key.property() : key.shortName());
        }
        return sb.toString();
    }

    // ---- values ----

    private static Duration duration(Raw raw) throws ConfigException {
        Duration d = Durations.parse(raw.value);
        if (d == null) {
            throw raw.invalid(Durations.ACCEPTED);
        }
        return d;
    }

    private static List<Signal> signals(Raw raw) throws ConfigException {
        String accepted = "a comma-separated list of signals ending in KILL, such as INT,TERM,KILL (names "
                + Signal.acceptedNames() + ", or their numbers)";
        List<Signal> signals = new ArrayList<>();
        for (String part : splitSignals(raw.value)) {
            Signal s = Signal.parse(part);
            if (s == null || signals.contains(s)) {
                throw raw.invalid(accepted);
            }
            signals.add(s);
        }
        if (signals.get(signals.size() - 1) != Signal.KILL) {
            throw raw.invalid(accepted);
        }
        return signals;
    }

    /** Splits on ',' and '+' by hand: a regex split would load java.util.regex at every JVM start. */
    private static List<String> splitSignals(String text) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == ',' || text.charAt(i) == '+') {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        return parts;
    }

    private static boolean bool(Raw raw) throws ConfigException {
        switch (raw.value.trim().toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "1":
                return true;
            case "false": case "no": case "off": case "0":
                return false;
            default:
                throw raw.invalid(BOOLEAN);
        }
    }

    private static Pattern pattern(Raw raw) throws ConfigException {
        if (raw.value == null || raw.value.isEmpty()) {
            return null;
        }
        try {
            return Pattern.compile(raw.value);
        } catch (PatternSyntaxException e) {
            throw raw.invalid("a Java regular expression (" + e.getDescription() + " near index " + e.getIndex() + ")");
        }
    }

    private static LogLevel logLevel(Raw raw) throws ConfigException {
        LogLevel level = LogLevel.parse(raw.value);
        if (level == null) {
            throw raw.invalid("one of off, error, warn, info, debug");
        }
        return level;
    }

    private static String path(Raw raw) throws ConfigException {
        if (raw.value == null) {
            return null;
        }
        if (raw.value.trim().isEmpty()) {
            throw raw.invalid("a file path; %p stands for the JVM's PID");
        }
        return raw.value.trim();
    }

    /** Takes the constants, not the class: getEnumConstants() is reflection, slow at start-up on JDK 18+. */
    private static <E extends Enum<E>> E choice(Raw raw, E[] constants) throws ConfigException {
        StringBuilder accepted = new StringBuilder("one of ");
        for (E e : constants) {
            if (e.ordinal() > 0) {
                accepted.append(", ");
            }
            String name = e.name().toLowerCase(Locale.ROOT);
            if (name.equals(raw.value.trim().toLowerCase(Locale.ROOT))) {
                return e;
            }
            accepted.append(name);
        }
        throw raw.invalid(accepted.toString());
    }

    /** A value as found, with where it came from, for error messages. */
    private static final class Raw {
        final Key key;
        final String value;
        final Source source;
        final String spelledAs;

        Raw(Key key, String value, Source source, String spelledAs) {
            this.key = key;
            this.value = value;
            this.source = source;
            this.spelledAs = spelledAs;
        }

        ConfigException invalid(String accepted) {
            return new ConfigException("invalid " + key.property() + "='" + value + "' (from "
                    + source.describe() + " " + spelledAs + "): expected " + accepted);
        }
    }
}
