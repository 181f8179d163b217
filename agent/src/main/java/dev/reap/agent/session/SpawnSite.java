package dev.reap.agent.session;

/**
 * Where a child was spawned: the first stack frame outside the JDK and the agent, or, when that
 * frame is a process library's (commons-exec, zt-exec, Plexus, Ant, Groovy, Scala; shaded copies
 * too), the first frame past the library, with the library's frame beside it:
 * {@code com.acme.ServerIT.start(ServerIT.java:42) via org.apache.commons.exec.DefaultExecutor.execute(DefaultExecutor.java:147)}.
 *
 * <p>A spawn only captures a {@link Throwable}: the JVM records its backtrace natively, which is
 * cheap, and the frames are resolved to names only when someone reads the site (the exit summary,
 * the report).
 */
public final class SpawnSite {
    public static final SpawnSite UNKNOWN = new SpawnSite(null, "an unknown place");
    /** The site of a process adopted at attach: spawned before the agent was there to see it. */
    public static final SpawnSite BEFORE_ATTACH = new SpawnSite(null, "before attach");
    /** The site of a child the JVM started without {@code ProcessBuilder} (JNA, FFM, JNI): not known. */
    public static final SpawnSite NATIVE = new SpawnSite(null, "native spawn");

    private static final String RECORDER = "dev.reap.agent.SpawnRecorder";
    private static final String RUNTIME = "dev.reap.agent.AgentRuntime";
    private static final String SELF = "dev.reap.agent.session.SpawnSite";
    private static final String PRIVILEGED = "dev.reap.agent.proc.Privileged";
    /** Packages of process libraries: a spawn site inside one names the code that called it. Matched anywhere in the name (shaded copies). */
    private static final String[] LIBRARIES = {
        "org.apache.commons.exec.", "org.zeroturnaround.exec.", "org.codehaus.plexus.util.cli.",
        "org.apache.maven.shared.utils.cli.", "org.apache.tools.ant.taskdefs.", "org.codehaus.groovy.runtime.ProcessGroovyMethods",
        "scala.sys.process.", "org.buildobjects.process.", "com.zaxxer.nuprocess.",
    };

    private final Throwable capture;
    private final String fixed;
    private volatile String resolved;

    private SpawnSite(Throwable capture, String fixed) {
        this.capture = capture;
        this.fixed = fixed;
    }

    /** A site known only by its text (resolved earlier). */
    public static SpawnSite named(String text) {
        return new SpawnSite(null, text);
    }

    /** The caller's site, captured from the current thread's stack. */
    public static SpawnSite capture() {
        return new SpawnSite(new Throwable("spawn site"), null);
    }

    /** True when a frame of the user's code was found, or the site is {@link #BEFORE_ATTACH} or {@link #NATIVE}. */
    public boolean known() {
        return capture != null ? firstUserFrame() != null : this != UNKNOWN;
    }

    /** {@code com.acme.ServerIT.start(ServerIT.java:42)} */
    @Override
    public String toString() {
        if (capture == null) {
            return fixed;
        }
        String r = resolved;
        if (r == null) {
            r = resolve();
            resolved = r;
        }
        return r;
    }

    private String resolve() {
        StackTraceElement[] frames = capture.getStackTrace();
        int first = 0;
        while (first < frames.length && isInternal(frames[first].getClassName())) {
            first++;
        }
        if (first == frames.length) {
            return UNKNOWN.fixed;
        }
        if (!inLibrary(frames[first].getClassName())) {
            return format(frames[first]);
        }
        for (int i = first + 1; i < frames.length; i++) {
            String name = frames[i].getClassName();
            if (!inLibrary(name) && !isInternal(name)) {
                return format(frames[i]) + " via " + format(frames[first]);
            }
        }
        // the library's own thread (an asynchronous execute): no caller of ours on this stack
        return format(frames[first]);
    }

    private static boolean inLibrary(String className) {
        for (String library : LIBRARIES) {
            if (className.contains(library)) {
                return true;
            }
        }
        return false;
    }

    private StackTraceElement firstUserFrame() {
        for (StackTraceElement frame : capture.getStackTrace()) {
            if (!isInternal(frame.getClassName())) {
                return frame;
            }
        }
        return null;
    }

    private static String format(StackTraceElement frame) {
        String file = frame.getFileName();
        int line = frame.getLineNumber();
        return frame.getClassName() + "." + frame.getMethodName() + "("
                + (file == null ? "Unknown Source" : line >= 0 ? file + ":" + line : file) + ")";
    }

    /**
     * The JDK's frames, and the agent's: during a spawn those are only the runtime's hook, the
     * recorder and this class (the bridge lives in {@code java.lang}; under a SecurityManager the
     * hook runs in a nested class of the runtime, through {@code Privileged}), named exactly so that user
     * code in a package that happens to share the agent's prefix still counts as the user's.
     */
    static boolean isInternal(String className) {
        return className.startsWith("java.") || className.startsWith("jdk.") || className.startsWith("sun.")
                || className.startsWith("com.sun.") || className.equals(RECORDER) || className.equals(RUNTIME)
                || className.startsWith(RUNTIME + "$") || className.equals(PRIVILEGED) || className.equals(SELF);
    }
}
