package dev.reap.agent.reap;

/** What became of one {@link Target}. */
public final class Outcome {
    /** How it ended. */
    public enum Kind {
        /** It had exited before the first signal. */
        GONE,
        /** It ended during the rung of {@link #signal()}. */
        ENDED,
        /** It was still alive after KILL (uninterruptible, or not ours to signal). */
        SURVIVED,
        /** It matched {@code reap.exclude} and was left alone. */
        EXCLUDED
    }

    private final Target target;
    private final Kind kind;
    private final Signal signal;
    private final long afterMillis;

    Outcome(Target target, Kind kind, Signal signal, long afterMillis) {
        this.target = target;
        this.kind = kind;
        this.signal = signal;
        this.afterMillis = afterMillis;
    }

    public static Outcome excluded(Target target) {
        return new Outcome(target, Kind.EXCLUDED, null, 0);
    }

    public Target target() { return target; }

    public Kind kind() { return kind; }

    /** The signal of the rung it ended in; null unless {@link Kind#ENDED}. */
    public Signal signal() { return signal; }

    /** Milliseconds from the first signal to when it was seen gone. */
    public long afterMillis() { return afterMillis; }

    @Override
    public String toString() {
        switch (kind) {
            case ENDED:
                return target + " ended on " + signal.fullName() + " after " + afterMillis + "ms";
            case SURVIVED:
                return target + " survived SIGKILL";
            case EXCLUDED:
                return target + " excluded";
            default:
                return target + " was already gone";
        }
    }
}
