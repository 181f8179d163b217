package dev.reap.agent.shutdown;

import org.slf4j.event.Level;
import org.slf4j.helpers.MessageFormatter;

/**
 * Loads the exit hook's classes ahead of the exit. In a JVM that has not run them, each class
 * costs 0.2-0.8 ms to load, verify and initialise: some 12 ms before the first signal and 4 ms
 * after the last one went on that alone, time that every exit with a child left waits out.
 *
 * <p>The agent calls it once a child has lasted (when the watchdog starts: done at the first spawn
 * instead, the loading competed with a short-lived JVM's own start and exit on two cores and made
 * the start of a program that spawns once 5% slower). For an exit that came sooner, the exit hook
 * calls it during the first grace: the summary's classes then load while the reaper waits. The
 * names are in the order the exit needs them: an exit that comes meanwhile waits for the class it
 * needs, never loads one twice. The integration test {@code ExitWarmupTest} names any class the
 * exit path loads itself.
 */
public final class ExitWarmup {
    /** The agent's classes the exit hook loads, by name: some are package-private elsewhere. */
    static final String[] CLASSES = {
        // finding what is left, from the tick the exit began
        "dev.reap.agent.proc.ProcClock",
        "dev.reap.agent.CgroupStay",
        "dev.reap.agent.find.SessionTargets",
        "dev.reap.agent.find.SessionTargets$Root",
        "dev.reap.agent.find.BeyondTheTree",
        "dev.reap.agent.shutdown.ExitReap$Targets",
        // the look for native spawns makes one once a child is there; an exit may race it
        "dev.reap.agent.find.NativeSpawns",
        "dev.reap.agent.reap.Origin",
        "dev.reap.agent.reap.Origin$Kind",
        "dev.reap.agent.proc.ProcessTable",
        "dev.reap.agent.proc.ProcEnviron",
        "dev.reap.agent.reap.Target",
        // reaping it
        "dev.reap.agent.config.Durations",
        "dev.reap.agent.reap.Signal",
        "dev.reap.agent.report.Reaping",
        "dev.reap.agent.report.Reaping$Looks",
        "dev.reap.agent.find.CgroupKill",
        "dev.reap.agent.shutdown.ExitReap$SummaryWarmer",
        "dev.reap.agent.reap.Reaper",
        "dev.reap.agent.reap.ExitWaiter",
        "dev.reap.agent.reap.Signaller",
        "dev.reap.agent.reap.Ladder",
        "dev.reap.agent.reap.Outcome",
        "dev.reap.agent.reap.Outcome$Kind",
        // telling it
        "dev.reap.agent.reap.ReapResult",
        "dev.reap.agent.report.Summary",
    };

    private ExitWarmup() {
    }

    /** Loads and initialises the classes; never throws. */
    public static void warm() {
        ClassLoader loader = ExitWarmup.class.getClassLoader();
        for (String name : CLASSES) {
            try {
                Class.forName(name, true, loader);
            } catch (Throwable e) {
                // a class that cannot load here fails the same way at exit, where it is reported
            }
        }
        try {
            // the summary line's formatting, which loads its classes only when it first formats
            MessageFormatter.basicArrayFormat("{}", new Object[] {Level.INFO});
        } catch (Throwable e) {
            // as above
        }
    }
}
