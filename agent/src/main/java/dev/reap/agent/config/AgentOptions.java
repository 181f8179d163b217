package dev.reap.agent.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The agent options text, {@code key=value[,key=value...]}, and the one-line errors about keys. */
final class AgentOptions {
    private AgentOptions() {
    }

    /** {@code source}: what they are called in a mistake's line ("agent options"). */
    static Map<Key, String> parse(String options, String source) throws ConfigException {
        Map<Key, String> result = new LinkedHashMap<>();
        if (options == null || options.trim().isEmpty()) {
            return result;
        }
        for (String item : split(options)) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("agent option '" + item + "' is not key=value; accepted: "
                        + "-javaagent:reap-agent.jar=grace=5s,log=debug (keys: " + knownKeys(false) + ")");
            }
            String name = item.substring(0, eq).trim();
            Key key = Key.byName(name);
            if (key == null) {
                throw unknownKey(name, source);
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
    static List<String> split(String options) {
        List<String> items = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        String[] pieces = options.split(",", -1);
        for (int i = 0; i < pieces.length; i++) {
            if (i > 0 && !startsNewItem(pieces[i])) {
                current.append(',').append(pieces[i]);
                continue;
            }
            if (i > 0) {
                items.add(current.toString().trim());
            }
            current.setLength(0);
            current.append(pieces[i]);
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

    static ConfigException unknownKey(String name, String where) {
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
        List<String> names = new ArrayList<>();
        for (Key key : Key.values()) {
            names.add(key.shortName());
        }
        String nearest = Spelling.nearest(name.toLowerCase(Locale.ROOT), names);
        return nearest == null ? null : Key.byName(nearest);
    }

    private static String knownKeys(boolean full) {
        StringBuilder sb = new StringBuilder();
        for (Key key : Key.values()) {
            sb.append(sb.length() > 0 ? ", " : "").append(full ? key.property() : key.shortName());
        }
        return sb.toString();
    }
}
