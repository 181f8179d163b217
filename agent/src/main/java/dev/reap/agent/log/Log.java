package dev.reap.agent.log;


import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The agent's logging: SLF4J's API (relocated in the jar), bound to a writer of its own that
 * prints {@code [reap] ...} lines on the JVM's file descriptor 2.
 *
 * <p>Writing to the descriptor, not to {@code System.err}, keeps the output working when the host
 * has replaced {@code System.err} (Surefire captures it into its fork channel) or while the host's
 * logging framework shuts down in its own hook. It never writes to stdout: that is Surefire's
 * channel to its fork. Loggers are made here rather than through {@code LoggerFactory}, so the
 * agent never runs SLF4J's provider discovery (and never reacts to the host's
 * {@code slf4j.provider} setting).
 */
public final class Log {
    private static volatile LogLevel threshold = LogLevel.INFO;
    private static final OutputStream STDERR = stderr();

    private Log() {
    }

    /** File descriptor 2; {@code System.err} where a SecurityManager denies the agent the descriptor. */
    private static OutputStream stderr() {
        try {
            return new FileOutputStream(FileDescriptor.err);
        } catch (SecurityException e) {
            return System.err;
        }
    }

    public static void setLevel(LogLevel level) {
        threshold = level;
    }

    public static LogLevel level() {
        return threshold;
    }

    static boolean enabled(LogLevel level) {
        return threshold.allows(level);
    }

    /**
     * For the start-up and spawn paths: true when debug lines are wanted. Checked before a
     * logger is touched, so that a JVM that logs nothing never loads SLF4J's classes.
     */
    public static boolean debugEnabled() {
        return threshold.allows(LogLevel.DEBUG);
    }

    /** Writes one line, {@code [reap] } first, in a single write so lines of threads do not mix. */
    public static void line(String text) {
        byte[] bytes = ("[reap] " + text + System.lineSeparator()).getBytes(StandardCharsets.UTF_8);
        synchronized (STDERR) {
            try {
                STDERR.write(bytes);
                STDERR.flush();
            } catch (IOException ignored) {
                // stderr closed: nothing sensible is left to tell anyone
            }
        }
    }
}
