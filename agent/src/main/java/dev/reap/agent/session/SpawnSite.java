package dev.reap.agent.session;

/**
 * Where a child was spawned: the first stack frame outside the JDK and the agent.
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

    private final Throwable capture;
    private final String fixed;
    private volatile String resolved;

    private SpawnSite(Throwable capture, String fixed) {
        this.capture = capture;
        this.fixed = fixed;
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
            StackTraceElement frame = firstUserFrame();
            r = frame == null ? UNKNOWN.fixed : format(frame);
            resolved = r;
        }
        return r;
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
