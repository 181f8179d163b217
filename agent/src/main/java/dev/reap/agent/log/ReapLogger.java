package dev.reap.agent.log;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import java.io.PrintWriter;
import java.io.StringWriter;

/** An SLF4J logger writing through {@link Log}; trace counts as debug. */
final class ReapLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    ReapLogger(String name) {
        this.name = name;
    }

    @Override
    public boolean isTraceEnabled() {
        return Log.enabled(LogLevel.DEBUG);
    }

    @Override
    public boolean isDebugEnabled() {
        return Log.enabled(LogLevel.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return Log.enabled(LogLevel.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return Log.enabled(LogLevel.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return Log.enabled(LogLevel.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable throwable) {
        String text = MessageFormatter.basicArrayFormat(pattern, arguments);
        if (throwable != null) {
            text = text + ": " + throwable;
            if (Log.enabled(LogLevel.DEBUG)) {
                StringWriter trace = new StringWriter();
                throwable.printStackTrace(new PrintWriter(trace));
                text = text + System.lineSeparator() + trace.toString().trim();
            }
        }
        Log.line(level == Level.WARN ? "warning: " + text : level == Level.ERROR ? "error: " + text : text);
    }
}
