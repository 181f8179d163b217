package dev.reap.agent.report;

import dev.reap.agent.config.Config;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.reap.Outcome;
import dev.reap.agent.reap.ReapResult;
import dev.reap.agent.reap.Reaper;
import dev.reap.agent.reap.SignalShell;
import dev.reap.agent.reap.Target;
import dev.reap.agent.session.Session;
import org.slf4j.Logger;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One reaping, whoever does it: leave alone what {@code reap.exclude} matches, walk the rest down
 * the ladder, then tell as the occasion says: the summary line, a warning for survivors, and for a
 * session's own end the {@code reap.report} file. The occasion is one of the factories: the exit
 * hook, the watchdog after its JVM's death, the start-up sweep, the end of a JUnit test, or the
 * {@code sweep} command (which prints its own table).
 */
public final class Reaping {
    private static final Logger LOG = Loggers.get(Reaping.class);

    private final Config config;
    /** Written into the report; null: no report. */
    private final String reapedBy;
    private final Session session;
    /** Null: nothing is logged (the caller prints the result). */
    private final String summaryPrefix;
    private final String warningPrefix;
    private final List<Target> targets = new ArrayList<>();
    private final List<Outcome> excluded = new ArrayList<>();
    private List<Outcome> earlier = List.of();

    private Reaping(Config config, List<Target> found, String reapedBy, Session session, String summaryPrefix,
                    String warningPrefix) {
        this.config = config;
        this.reapedBy = reapedBy;
        this.session = session;
        this.summaryPrefix = summaryPrefix;
        this.warningPrefix = warningPrefix;
        for (Target t : found) {
            if (config.excludes(t.commandLine())) {
                excluded.add(Outcome.excluded(t));
                LOG.debug("leaving {} alone: it matches reap.exclude", t);
            } else {
                targets.add(t);
            }
        }
    }

    /** The exit hook's: what the session left at its JVM's end. */
    public static Reaping atExit(Config config, Session session, List<Target> found) {
        return new Reaping(config, found, "exit-hook", session, "", "");
    }

    /** The watchdog's, after its JVM died without its shutdown hooks. */
    public static Reaping afterHostDeath(Config config, Session session, List<Target> found) {
        return new Reaping(config, found, "watchdog", session,
                "watchdog: JVM " + session.pid() + " ended without its shutdown hooks; ", "watchdog: ");
    }

    /** The start-up sweep's, of what dead sessions left. */
    public static Reaping ofStartupSweep(Config config, List<Target> found) {
        return new Reaping(config, found, null, null, "start-up sweep of dead sessions: ", "start-up sweep: ");
    }

    /** At the end of a JUnit test or class ({@code reap.scope=test}). */
    public static Reaping atTestEnd(Config config, String scope, List<Target> found) {
        return new Reaping(config, found, null, null, scope + " finished: ", scope + ": ");
    }

    /** The {@code sweep} command's: nothing is logged, the command prints the result. */
    public static Reaping ofSweepCommand(Config config, List<Target> found) {
        return new Reaping(config, found, null, null, null, null);
    }

    /** Adds what this session reaped before (at the ends of its tests) to the report. */
    public Reaping alsoReporting(List<Outcome> reapedEarlier) {
        this.earlier = reapedEarlier;
        return this;
    }

    /** The processes to signal. */
    public List<Target> targets() {
        return targets;
    }

    /** True when {@code reap.exclude} left something alone. */
    public boolean excludedAny() {
        return !excluded.isEmpty();
    }

    /** Reaps the targets, SIGINT through {@code shell} when it is not null, and tells. */
    public ReapResult reap(SignalShell shell) {
        ReapResult result = new Reaper(shell).reap(targets, config.ladder());
        if (summaryPrefix != null) {
            String summary = Summary.reaped(result);
            if (summary != null) {
                LOG.info(summaryPrefix + summary);
            }
            String survivors = Summary.survivors(result);
            if (survivors != null) {
                LOG.warn(warningPrefix + survivors);
            }
        }
        if (reapedBy != null && config.report() != null) {
            Path path = Report.path(config.report(), session.pid());
            try {
                Report.write(path, session.id(), session.pid(), reapedBy, result, excluded, earlier);
            } catch (Exception e) {
                LOG.warn("{}cannot write reap.report {}: {}", warningPrefix, path, e.toString());
            }
        }
        return result;
    }
}
