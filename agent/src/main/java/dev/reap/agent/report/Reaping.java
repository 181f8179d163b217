package dev.reap.agent.report;

import dev.reap.agent.config.Config;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.reap.GroupKill;
import dev.reap.agent.reap.Outcome;
import dev.reap.agent.reap.ReapResult;
import dev.reap.agent.reap.Ladder;
import dev.reap.agent.reap.Reaper;
import dev.reap.agent.reap.SignalShell;
import dev.reap.agent.reap.Target;
import dev.reap.agent.session.Session;
import org.slf4j.Logger;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

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
    private final Set<Long> excludedPids = new HashSet<>();
    private List<Outcome> earlier = List.of();
    /** Null: the first look is the only one. */
    private Supplier<List<Target>> looks;
    /** Null: none. */
    private GroupKill group;
    private Consumer<List<Target>> whenSlow;

    private Reaping(Config config, List<Target> found, String reapedBy, Session session, String summaryPrefix,
                    String warningPrefix) {
        this.config = config;
        this.reapedBy = reapedBy;
        this.session = session;
        this.summaryPrefix = summaryPrefix;
        this.warningPrefix = warningPrefix;
        targets.addAll(included(found));
    }

    /** What {@code reap.exclude} does not match; what it matches is noted once, as excluded. */
    private List<Target> included(List<Target> found) {
        List<Target> included = new ArrayList<>();
        for (Target t : found) {
            if (!config.excludes(t.commandLine())) {
                included.add(t);
            } else if (excludedPids.add(t.pid())) {
                excluded.add(Outcome.excluded(t));
                LOG.debug("leaving {} alone: it matches reap.exclude", t);
            }
        }
        return included;
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

    /**
     * The sidecar's that was started for what the host spawned after its exit hook (its stderr
     * goes nowhere, and the exit hook's report stays as written).
     */
    public static Reaping afterExit(Config config, Session session, List<Target> found) {
        return new Reaping(config, found, null, session, "watchdog: after the exit of JVM " + session.pid() + ", ",
                "watchdog: ");
    }

    /** The start-up sweep's, of what dead sessions left. */
    public static Reaping ofStartupSweep(Config config, List<Target> found) {
        return new Reaping(config, found, null, null, "start-up sweep of dead sessions: ", "start-up sweep: ");
    }

    /** At the end of a JUnit test or class ({@code reap.scope=test}). */
    public static Reaping atTestEnd(Config config, String scope, List<Target> found) {
        return new Reaping(config, found, null, null, scope + " finished: ", scope + ": ");
    }

    /** The {@code sweep} and {@code reap} commands': nothing is logged, the command prints the result. */
    public static Reaping ofCommand(Config config, List<Target> found) {
        return new Reaping(config, found, null, null, null, null);
    }

    /** Adds what this session reaped before (at the ends of its tests) to the report. */
    public Reaping alsoReporting(List<Outcome> reapedEarlier) {
        this.earlier = reapedEarlier;
        return this;
    }

    /**
     * Looks again after each rung with {@code look} (see {@link Reaper#reap(List, Ladder, Supplier)}):
     * what a target forks during its grace, or the exiting JVM spawns, ends too.
     */
    public Reaping lookingAgainWith(Supplier<List<Target>> look) {
        this.looks = new Looks(look);
        return this;
    }

    /** At the KILL rung, also kills {@code kill}'s whole group (a session's cgroup), unless it holds what is spared. */
    /** {@code cover} is told once of what is still alive when the reap turns slow (see {@link Reaper#coveringWhenSlow}). */
    public Reaping coveredWhenSlowBy(Consumer<List<Target>> cover) {
        this.whenSlow = cover;
        return this;
    }

    public Reaping killingGroupWith(GroupKill kill) {
        this.group = kill;
        return this;
    }

    private final class Looks implements Supplier<List<Target>> {
        private final Supplier<List<Target>> look;

        Looks(Supplier<List<Target>> look) {
            this.look = look;
        }

        @Override
        public List<Target> get() {
            return included(look.get());
        }
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
        if ("exit-hook".equals(reapedBy) && config.report() != null && !targets.isEmpty()) {
            Path path = Report.path(config.report(), session.pid());
            try {
                Report.writeUnderWay(path, session.id(), session.pid(), reapedBy, targets, excluded, earlier);
            } catch (Exception e) {
                LOG.warn("{}cannot write reap.report {}: {}", warningPrefix, path, e.toString());
            }
        }
        ReapResult result = new Reaper(shell, group, excludedPids).coveringWhenSlow(whenSlow).reap(targets, config.ladder(), looks);
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
