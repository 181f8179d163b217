package dev.reap.agent.session;

import dev.reap.agent.proc.Namespace;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * This JVM's agent session and the environment tag its children carry.
 *
 * <p>A session id is {@code <pid>-<start>-<view>}: the JVM's PID, its start time (Linux: clock
 * ticks after boot, field 22 of {@code /proc/<pid>/stat}; elsewhere: milliseconds since the epoch)
 * and the {@link Namespace} those two numbers mean something in. A process with the same view can
 * tell whether the session's JVM is alive (the PID exists with that same start time); any other
 * must take it for alive. An id without a view ({@code <pid>-<start>}: the view could not be
 * named, or an older agent wrote it) is judged by nobody. Children get {@value #TAG} set to the
 * chain of sessions above them, this one last.
 */
public final class Session {
    /** The environment variable every spawned child carries. */
    public static final String TAG = "REAP_AGENT_SESSIONS";
    /**
     * A child spawned in a JUnit test also gets this: the scope that spawned it,
     * {@code <session id>/<n>}. It is how a {@code setsid} daemon that left the test's process tree
     * is still found when the test ends, and named by its test at exit.
     */
    public static final String SCOPE_TAG = "REAP_AGENT_SCOPE";
    /** Separates the session ids of a chain. */
    public static final String SEPARATOR = ",";
    /** A chain longer than this is no tag an agent wrote: nobody nests JVMs that deep. */
    private static final int MAX_CHAIN = 32;
    private static final int VIEW_DIGITS = 12;

    private final long pid;
    private final long startTime;
    private final String view;
    private final String id;
    private final String chain;

    Session(long pid, long startTime, String view, String inheritedChain) {
        this.pid = pid;
        this.startTime = startTime;
        this.view = view;
        this.id = pid + "-" + startTime + (view == null ? "" : "-" + view);
        // a malformed inherited tag is dropped, not carried on: it could only ever confuse a judge
        this.chain = inheritedChain == null || chainOf(inheritedChain) == null ? id : inheritedChain + SEPARATOR + id;
    }

    /** The session of this JVM, named after its PID and start time, below any session it inherited. */
    public static Session current(Map<String, String> environment) {
        ProcStat self = ProcFs.available() ? ProcFs.self() : null;
        if (self != null) {
            return new Session(self.pid(), self.startTicks(), Namespace.current(), environment.get(TAG));
        }
        ProcessHandle current = ProcessHandle.current();
        long start = current.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
        return new Session(current.pid(), start, null, environment.get(TAG));
    }

    /**
     * The session named by {@code id} ({@code <pid>-<start>-<view>}, or {@code <pid>-<start>}
     * without a view); null when it is no id an agent wrote.
     */
    public static Session parse(String id) {
        int first = id.indexOf('-');
        int second = first < 0 ? -1 : id.indexOf('-', first + 1);
        long pid = digits(id, 0, first < 0 ? 0 : first);
        long start = digits(id, first + 1, second < 0 ? id.length() : second);
        String view = second < 0 ? null : id.substring(second + 1);
        if (pid <= 0 || start < 0 || view != null && !isView(view)) {
            return null;
        }
        return new Session(pid, start, view, null);
    }

    /**
     * The session ids of a {@value #TAG} value, outermost first; null when it is not a chain an
     * agent wrote (empty, too long, or any id malformed): such a tag names nobody.
     */
    public static List<String> chainOf(String tag) {
        if (tag == null || tag.isEmpty() || tag.length() > MAX_CHAIN * 48) {
            return null;
        }
        List<String> ids = Arrays.asList(tag.split(SEPARATOR, -1));
        if (ids.size() > MAX_CHAIN) {
            return null;
        }
        for (String id : ids) {
            if (parse(id) == null) {
                return null;
            }
        }
        return ids;
    }

    /** The decimal number in {@code text[from, to)}, or -1 (also for a leading zero, which no PID or time is written with). */
    private static long digits(String text, int from, int to) {
        return to - from > 1 && from >= 0 && text.charAt(from) == '0' ? -1 : ProcStat.parseLong(text, from, to);
    }

    private static boolean isView(String text) {
        if (text.length() != VIEW_DIGITS) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    public long pid() { return pid; }

    public long startTime() { return startTime; }

    /** The {@link Namespace} its PID and start time belong to; null when unknown. */
    public String view() { return view; }

    /** {@code 4242-123456-3f2a9c01b7de} */
    public String id() { return id; }

    /** The value children get for {@value #TAG}: inherited sessions, then this one. */
    public String chain() { return chain; }

    /** True when {@code tag} (a {@value #TAG} value) is a well-formed chain that names this session. */
    public boolean tags(String tag) {
        List<String> ids = chainOf(tag);
        return ids != null && ids.contains(id);
    }

    @Override
    public String toString() {
        return id;
    }
}
