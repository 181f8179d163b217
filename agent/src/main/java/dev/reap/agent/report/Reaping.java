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
 * One reaping, as the exit hook, the watchdog and the start-up sweep all do it: leave alone what
 * {@code reap.exclude} matches, walk the rest down the ladder, then tell: the summary line, a
 * warning for survivors, and the {@code reap.report} file when one is configured.
 */
public final class Reaping {
    private static final Logger LOG = Loggers.get(Reaping.class);

    private final List<Target> targets = new ArrayList<>();
    private final List<Outcome> excluded = new ArrayList<>();
    private List<Outcome> earlier = List.of();

    /** Splits what was found into the targets and the processes {@code reap.exclude} protects. */
    public Reaping(List<Target> found, Config config) {
        for (Target t : found) {
            if (config.excludes(t.commandLine())) {
                excluded.add(Outcome.excluded(t));
                LOG.debug("leaving {} alone: it matches reap.exclude", t);
            } else {
                targets.add(t);
            }
        }
    }

    /** Adds what this session reaped before (at the ends of its tests) to the report. */
    public Reaping alsoReport(List<Outcome> reapedEarlier) {
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

    /**
     * Reaps the targets (SIGINT through {@code shell} when not null) and tells. Lines start with
     * {@code summaryPrefix} (the summary) or {@code warningPrefix} (survivors, a report that could
     * not be written). The report is written for {@code session} when it is not null and
     * {@code reap.report} is set, naming {@code reapedBy}.
     */
    public ReapResult reap(Config config, SignalShell shell, String summaryPrefix, String warningPrefix,
                           Session session, String reapedBy) {
        ReapResult result = new Reaper(shell).reap(targets, config.ladder());
        String summary = Summary.reaped(result);
        if (summary != null) {
            LOG.info(summaryPrefix + summary);
        }
        String survivors = Summary.survivors(result);
        if (survivors != null) {
            LOG.warn(warningPrefix + survivors);
        }
        if (session != null && config.report() != null) {
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
