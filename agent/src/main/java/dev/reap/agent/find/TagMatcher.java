package dev.reap.agent.find;

import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.session.Session;

/**
 * What marks a process as tagged: the value of one environment variable, read once it has
 * settled. Either a session chain that holds a given session (the exit hook, the watchdog), or
 * one exact value (a JUnit test's scope tag).
 */
final class TagMatcher {
    private final String variable;
    private final Session session;
    private final String value;

    private TagMatcher(String variable, Session session, String value) {
        this.variable = variable;
        this.session = session;
        this.value = value;
    }

    /** {@value Session#TAG} holding {@code session} anywhere in its chain. */
    static TagMatcher sessionIn(Session session) {
        return new TagMatcher(Session.TAG, session, null);
    }

    /** {@code variable} set to exactly {@code value}. */
    static TagMatcher equalTo(String variable, String value) {
        return new TagMatcher(variable, null, value);
    }

    boolean matches(long pid) {
        String found = ProcFs.settledEnvironmentVariable(pid, variable);
        return session != null ? session.tags(found) : value.equals(found);
    }
}
