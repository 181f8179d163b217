package dev.reap.agent.cli;

import dev.reap.agent.config.Config;
import dev.reap.agent.config.ConfigException;
import dev.reap.agent.config.ConfigLoader;
import dev.reap.agent.config.Durations;
import dev.reap.agent.config.Spelling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's options: flags ({@code --dry-run}) and options with a value ({@code --grace 1s}
 * or {@code --grace=1s}). Anything else is a usage error naming what is accepted.
 */
final class Arguments {
    /** A usage mistake: one line, exit status 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message, null, false, false);
        }
    }

    private final Map<String, String> values = new HashMap<>();

    private Arguments() {
    }

    static Arguments parse(String command, String[] args, Set<String> flags, List<String> options) throws UsageException {
        Arguments parsed = new Arguments();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            int equals = arg.indexOf('=');
            String name = equals > 0 ? arg.substring(0, equals) : arg;
            if (flags.contains(name) && equals < 0) {
                parsed.values.put(name, "true");
            } else if (options.contains(name)) {
                String value;
                if (equals > 0) {
                    value = arg.substring(equals + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new UsageException(command + ": " + name + " needs a value");
                }
                parsed.values.put(name, value);
            } else {
                List<String> known = new ArrayList<>(flags);
                known.addAll(options);
                String nearest = name.startsWith("-") ? Spelling.nearest(name, known) : null;
                throw new UsageException(command + ": unknown argument '" + arg + "'; "
                        + (nearest != null ? "did you mean " + nearest + "? " : "") + "accepted: "
                        + String.join(", ", flags) + (options.isEmpty() ? "" : ", " + String.join(" X, ", options) + " X"));
            }
        }
        return parsed;
    }

    /**
     * The agent's configuration as the environment and system properties give it, with
     * {@code --grace} (when given) as the grace; {@code command} names the command in a mistake's line.
     */
    Config config(String command) throws UsageException {
        Config config;
        try {
            config = ConfigLoader.load("", System.getProperties(), System.getenv());
        } catch (ConfigException e) {
            throw new UsageException(command + ": " + e.getMessage());
        }
        String text = value("--grace");
        if (text == null) {
            return config;
        }
        Duration grace = Durations.parse(text);
        if (grace == null) {
            throw new UsageException(command + ": --grace '" + text + "' is not " + Durations.ACCEPTED);
        }
        return config.withGrace(grace);
    }

    boolean flag(String name) {
        return values.containsKey(name);
    }

    /** The option's value, or null. */
    String value(String name) {
        return values.get(name);
    }
}
