package dev.reap.agent.report;

import dev.reap.agent.config.Durations;
import dev.reap.agent.reap.Outcome;
import dev.reap.agent.reap.ReapResult;
import dev.reap.agent.reap.Signal;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The one line a reap ends with:
 * {@code reaped 3 processes: 2 on SIGINT, 1 on SIGKILL after 3s; oldest: pid 4242 'python srv.py' spawned at ...}.
 */
public final class Summary {
    private static final int MAX_COMMAND = 120;

    private Summary() {
    }

    /** The summary, or null when nothing was reaped. */
    public static String reaped(ReapResult result) {
        List<Outcome> ended = result.ofKind(Outcome.Kind.ENDED);
        if (ended.isEmpty()) {
            return null;
        }
        StringBuilder line = new StringBuilder("reaped ").append(ended.size())
                .append(ended.size() == 1 ? " process: " : " processes: ");
        boolean first = true;
        for (Map.Entry<Signal, Integer> e : result.endedBySignal().entrySet()) {
            if (!first) {
                line.append(", ");
            }
            line.append(e.getValue()).append(" on ").append(e.getKey().fullName());
            if (e.getKey() != Signal.INT) {
                line.append(" after ").append(Durations.format(Duration.ofMillis(latest(ended, e.getKey()))));
            }
            first = false;
        }
        Outcome oldest = oldest(ended);
        line.append("; oldest: ").append(describe(oldest));
        return line.toString();
    }

    /** The warning for survivors, or null when there were none. */
    public static String survivors(ReapResult result) {
        List<Outcome> survived = result.ofKind(Outcome.Kind.SURVIVED);
        if (survived.isEmpty()) {
            return null;
        }
        StringBuilder line = new StringBuilder().append(survived.size())
                .append(survived.size() == 1 ? " process survived SIGKILL: " : " processes survived SIGKILL: ");
        for (int i = 0; i < survived.size() && i < 5; i++) {
            line.append(i == 0 ? "" : ", ").append(describe(survived.get(i)));
        }
        return line.toString();
    }

    public static String describe(Outcome outcome) {
        return "pid " + outcome.target().pid() + " '" + oneLine(outcome.target().commandLine()) + "' "
                + outcome.target().origin().describe();
    }

    /** A command line as it goes into a line of ours: cut at {@value #MAX_COMMAND} characters, on one line. */
    public static String oneLine(String command) {
        return oneLine(command, MAX_COMMAND);
    }

    /** A command line cut at {@code max} characters, on one line; {@code ?} when unknown. */
    public static String oneLine(String command, int max) {
        if (command == null) {
            return "?";
        }
        if (command.length() > max) {
            command = command.substring(0, max) + "...";
        }
        // one line stays one line: a `python -c` script may hold newlines
        return command.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
    }

    private static long latest(List<Outcome> ended, Signal signal) {
        long latest = 0;
        for (Outcome o : ended) {
            if (o.signal() == signal) {
                latest = Math.max(latest, o.afterMillis());
            }
        }
        return latest;
    }

    private static Outcome oldest(List<Outcome> outcomes) {
        Outcome oldest = outcomes.get(0);
        for (Outcome o : outcomes) {
            long ticks = o.target().startTicks();
            if (ticks >= 0 && (oldest.target().startTicks() < 0 || ticks < oldest.target().startTicks())) {
                oldest = o;
            }
        }
        return oldest;
    }
}
