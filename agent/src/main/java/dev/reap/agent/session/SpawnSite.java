package dev.reap.agent.session;

import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Where a child was spawned: the first stack frame outside the JDK and the agent. The frame is
 * kept as found and formatted only when someone reads it, so a spawn pays for the walk alone.
 */
public final class SpawnSite {
    public static final SpawnSite UNKNOWN = new SpawnSite(null, "an unknown place");

    private static final StackWalker WALKER = StackWalker.getInstance();
    private static final Function<Stream<StackWalker.StackFrame>, StackWalker.StackFrame> FIRST_USER_FRAME =
            new FirstUserFrame();

    private final StackWalker.StackFrame frame;
    private final String fixed;

    private SpawnSite(StackWalker.StackFrame frame, String fixed) {
        this.frame = frame;
        this.fixed = fixed;
    }

    /** The caller's site, walked from the current thread's stack. */
    public static SpawnSite capture() {
        StackWalker.StackFrame frame = WALKER.walk(FIRST_USER_FRAME);
        return frame == null ? UNKNOWN : new SpawnSite(frame, null);
    }

    /** A site described in words, e.g. "before attach". */
    public static SpawnSite described(String description) {
        return new SpawnSite(null, description);
    }

    public boolean known() {
        return frame != null;
    }

    /** {@code com.acme.ServerIT.start(ServerIT.java:42)} */
    @Override
    public String toString() {
        if (frame == null) {
            return fixed;
        }
        String file = frame.getFileName();
        int line = frame.getLineNumber();
        return frame.getClassName() + "." + frame.getMethodName() + "("
                + (file == null ? "Unknown Source" : line >= 0 ? file + ":" + line : file) + ")";
    }

    /**
     * The JDK's frames, and the agent's: during a spawn those are only the recorder and this
     * class (the bridge lives in {@code java.lang}), named exactly so that user code in a
     * package that happens to share the agent's prefix still counts as the user's.
     */
    static boolean isInternal(String className) {
        return className.startsWith("java.") || className.startsWith("jdk.") || className.startsWith("sun.")
                || className.startsWith("com.sun.") || className.equals(RECORDER) || className.startsWith(SELF);
    }

    private static final String RECORDER = "dev.reap.agent.spawn.SpawnRecorder";
    private static final String SELF = SpawnSite.class.getName();

    /** A named class, not a lambda: the first spawn must not pay for lambda bootstrap. */
    private static final class FirstUserFrame
            implements Function<Stream<StackWalker.StackFrame>, StackWalker.StackFrame> {
        @Override
        public StackWalker.StackFrame apply(Stream<StackWalker.StackFrame> frames) {
            java.util.Iterator<StackWalker.StackFrame> it = frames.iterator();
            while (it.hasNext()) {
                StackWalker.StackFrame f = it.next();
                if (!isInternal(f.getClassName())) {
                    return f;
                }
            }
            return null;
        }
    }
}
