package dev.reap.maven;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/** The agent's {@code -javaagent:} argument, and a JVM argument line with it put in (once). */
final class AgentArgument {
    private static final String PREFIX = "-javaagent:";

    private AgentArgument() {
    }

    /**
     * {@code -javaagent:<jar>[=<options>]}, in quotes when it holds a space or a quote: Surefire
     * splits the line on spaces outside quotes and takes what is inside as it is (a backslash
     * escapes nothing). An {@link IllegalArgumentException} when it holds both kinds of quote.
     */
    static String of(File jar, String options) {
        String argument = PREFIX + jar.getAbsolutePath() + (options.isEmpty() ? "" : "=" + options);
        boolean doubleQuote = argument.indexOf('"') >= 0;
        boolean singleQuote = argument.indexOf('\'') >= 0;
        if (!doubleQuote && !singleQuote && argument.chars().noneMatch(Character::isWhitespace)) {
            return argument;
        }
        if (doubleQuote && singleQuote) {
            throw new IllegalArgumentException("the agent's argument holds both ' and \", which Surefire's argLine cannot"
                    + " pass on: " + argument);
        }
        char quote = doubleQuote ? '\'' : '"';
        return quote + argument + quote;
    }

    /**
     * {@code line} with {@code argument} appended, and any earlier argument for the same jar taken
     * out (a second execution, or the plugin run twice): what else the line holds (JaCoCo's agent,
     * the user's flags) stays as it was, in its order.
     */
    static String mergedInto(String line, File jar, String argument) {
        String ours = PREFIX + jar.getAbsolutePath();
        StringBuilder merged = new StringBuilder();
        for (String token : tokens(line == null ? "" : line)) {
            String unquoted = token.startsWith("\"") || token.startsWith("'") ? token.substring(1) : token;
            if (unquoted.equals(ours) || unquoted.startsWith(ours + "=") || unquoted.startsWith(ours + "\"")) {
                continue;
            }
            merged.append(token).append(' ');
        }
        return merged.append(argument).toString();
    }

    /** The line's arguments as written (quotes kept), split on whitespace outside quotes. */
    private static List<String> tokens(String line) {
        List<String> tokens = new ArrayList<>();
        int start = -1;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            if (Character.isWhitespace(c)) {
                if (start >= 0) {
                    tokens.add(line.substring(start, i));
                    start = -1;
                }
                continue;
            }
            if (start < 0) {
                start = i;
            }
            if (c == '"' || c == '\'') {
                quote = c;
            }
        }
        if (start >= 0) {
            tokens.add(line.substring(start));
        }
        return tokens;
    }
}
