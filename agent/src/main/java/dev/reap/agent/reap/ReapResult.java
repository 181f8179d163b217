package dev.reap.agent.reap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The outcome of every target of one reap. */
public final class ReapResult {
    private final List<Outcome> outcomes;
    private final long elapsedMillis;

    ReapResult(List<Outcome> outcomes, long elapsedMillis) {
        this.outcomes = Collections.unmodifiableList(new ArrayList<>(outcomes));
        this.elapsedMillis = elapsedMillis;
    }

    public List<Outcome> outcomes() { return outcomes; }

    public long elapsedMillis() { return elapsedMillis; }

    public Outcome of(long pid) {
        for (Outcome o : outcomes) {
            if (o.target().pid() == pid) {
                return o;
            }
        }
        return null;
    }

    /** How many ended on each signal, in ladder order. */
    public Map<Signal, Integer> endedBySignal() {
        Map<Signal, Integer> counts = new EnumMap<>(Signal.class);
        for (Outcome o : outcomes) {
            if (o.kind() == Outcome.Kind.ENDED) {
                Integer n = counts.get(o.signal());
                counts.put(o.signal(), n == null ? 1 : n + 1);
            }
        }
        return counts;
    }

    public List<Outcome> ofKind(Outcome.Kind kind) {
        List<Outcome> result = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.kind() == kind) {
                result.add(o);
            }
        }
        return result;
    }

    /** True when something had to be killed or survived: what a CLI reports as exit status 1. */
    public boolean neededForce() {
        for (Outcome o : outcomes) {
            if (o.kind() == Outcome.Kind.SURVIVED || o.kind() == Outcome.Kind.ENDED && o.signal() == Signal.KILL) {
                return true;
            }
        }
        return false;
    }
}
