package dev.reap.agent.reap;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The signal ladder: polite rungs, each followed by up to {@code grace}, ending in KILL. */
public final class Ladder {
    private final List<Signal> signals;
    private final Duration grace;

    public Ladder(List<Signal> signals, Duration grace) {
        if (signals.isEmpty() || signals.get(signals.size() - 1) != Signal.KILL) {
            throw new IllegalArgumentException("a ladder must end in KILL: " + signals);
        }
        this.signals = Collections.unmodifiableList(new ArrayList<>(signals));
        this.grace = grace;
    }

    public List<Signal> signals() {
        return signals;
    }

    public Duration grace() {
        return grace;
    }

    /** The longest a reap can take before KILL: grace times the polite rungs. */
    public Duration politeBound() {
        return grace.multipliedBy(signals.size() - 1L);
    }

    @Override
    public String toString() {
        return signals + " grace " + grace.toMillis() + "ms";
    }
}
