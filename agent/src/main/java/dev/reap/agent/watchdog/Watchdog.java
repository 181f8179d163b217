package dev.reap.agent.watchdog;

import dev.reap.agent.config.Config;
import dev.reap.agent.log.Log;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.Privileged;
import dev.reap.agent.reap.SignalShell;
import dev.reap.agent.session.Adopted;
import dev.reap.agent.session.Session;
import dev.reap.agent.shutdown.ExitWarmup;
import dev.reap.agent.spawn.OwnSpawns;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedAction;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The host's end of the watchdog. It tells the sidecar of every child that has lived
 * {@value #LASTING_MILLIS} ms (starting the sidecar for the first such child), and says goodbye
 * after the exit hook has reaped. If the host dies without its hooks, the kernel closes the pipe
 * and the sidecar, seeing the end of the stream without a goodbye, reaps the session.
 *
 * <p>Why only children that lasted: a sidecar JVM costs some 200 ms of CPU to start, and the
 * events of a spawn loop kept it busy beside the host (300 spawns of {@code true} were 14% slower
 * on two cores when every spawn was a line). A JVM that spawns nothing, or only children that end
 * within {@value #LASTING_MILLIS} ms ({@code git}, {@code true}), never starts it; a spawn costs
 * the host one list append. A child killed with its host before it was reported is still found by
 * its session tag; a host killed within {@value #LASTING_MILLIS} ms of its first lasting spawn
 * leaves its children to the next start-up sweep or the {@code sweep} command.
 *
 * <p>With the sidecar, a {@link SignalShell} is started for the host's own exit, and the exit
 * hook's classes are loaded ({@link ExitWarmup}): children that lasted are worth a fast SIGINT,
 * and starting a {@code kill} process at exit, while a hundred children die at once, was most of
 * the reap's time.
 *
 * <p>A sidecar that ends while the host lives (killed on its own, chosen by the OOM killer) is
 * replaced at once, told everything the lost one had been told, with one warning line: the host
 * keeps the children it reported (pruned as they exit) and the lines of adopted processes. A
 * guard thread waits for each sidecar's end. Three sidecars in a row that die within
 * {@value #QUICK_DEATH_MILLIS} ms of their start are not replaced again: the watchdog is lost.
 *
 * <p>Protocol, one line each, host to watchdog: a PID (the sidecar reads its start time from
 * {@code /proc} itself, and only while the PID is still the host's child), a PID and the start
 * time the host read (a process adopted at attach), or {@value WatchdogMain#GOODBYE}. The JDK
 * starts children with every descriptor but 0, 1 and 2 closed, so no other process holds the
 * pipe's write end.
 */
public final class Watchdog {
    /** How long a child must live before the sidecar hears of it. */
    static final long LASTING_MILLIS = 200;
    /** A sidecar that dies this soon after its start, three times in a row, is not started again. */
    static final long QUICK_DEATH_MILLIS = 2_000;
    private static final int MAX_QUICK_DEATHS = 3; // "the third time" in the warning
    /** How long a broken pipe waits for the JDK to see the sidecar's exit. */
    private static final long EXIT_SEEN_MILLIS = 200;

    private final Session session;
    private final Supplier<Config> exitConfig;
    /** Children not yet reported, with their spawn times; guarded by this. */
    private final List<Process> recent = new ArrayList<>();
    private final List<Long> recentNanos = new ArrayList<>();
    /** Lines for processes adopted at attach, to be sent at once; guarded by this. */
    private final List<String> adoptedLines = new ArrayList<>();
    /** What the sidecar has been told, for a replacement: children (pruned as they exit) and adopted lines; guarded by this. */
    private final List<Process> reported = new ArrayList<>();
    private final List<String> adoptedReported = new ArrayList<>();
    private int pruneReportedAt = 64;
    private Thread reporter;
    private boolean released;
    private boolean lost;
    /** The host has begun its exit: a sidecar that ends now is not replaced (the exit hook is reaping). */
    private boolean exiting;
    /** Set by the guard when the sidecar ended while the host lives: the reporter starts a new one. */
    private String replacing;
    private int quickDeaths;
    /** Why the sidecar was ended by the host (it stopped reading), for the guard's warning. */
    private String stoppedReading;
    private long launchedNanos;
    private Process process;
    private OutputStream events;
    private SignalShell shell;

    public Watchdog(Session session, Supplier<Config> exitConfig) {
        this.session = session;
        this.exitConfig = exitConfig;
        // the sidecar reads /proc: Linux only; elsewhere the exit hook alone reaps
        this.lost = !ProcFs.available();
    }

    /** Notes a spawn; the reporter thread tells the sidecar if the child lasts. Never throws. */
    public synchronized void spawned(Process child) {
        if (released || lost) {
            return;
        }
        recent.add(child);
        recentNanos.add(System.nanoTime());
        if (reporter == null) {
            startReporter();
        } else if (recent.size() == 1) {
            notifyAll();
        }
    }

    /**
     * Tells the sidecar of processes adopted at attach, starting it at once: they have lasted
     * already. Each is named by PID and start time, since most are not the host's children.
     */
    public synchronized void adopted(List<Adopted> processes) {
        if (released || lost || processes.isEmpty()) {
            return;
        }
        for (Adopted a : processes) {
            adoptedLines.add(a.pid() + " " + a.startTicks());
        }
        if (reporter == null) {
            startReporter();
        } else {
            notifyAll();
        }
    }

    /** Guarded by this. Made with the agent's permissions: it is started on the host's stack (see {@link Privileged#always}). */
    private void startReporter() {
        reporter = Privileged.always(new StartReporter());
    }

    private final class StartReporter implements PrivilegedAction<Thread> {
        @Override
        public Thread run() {
            Thread thread = new Thread(new Reporter(), "reap-agent-watchdog");
            thread.setDaemon(true);
            thread.start();
            return thread;
        }
    }

    /**
     * The host has begun its exit: no sidecar is started from now on (it would only compete with
     * the exit hook for CPU); one already running stays until {@link #release()}.
     */
    public synchronized void hostExiting() {
        exiting = true;
        recent.clear();
        recentNanos.clear();
        adoptedLines.clear();
        if (process == null) {
            released = true;
            notifyAll();
        }
    }

    /**
     * After a clean exit's reaping: goodbye, then SIGKILL to the sidecar, our own child holding
     * nothing worth a polite end, so that it does not hold the host's stderr a moment longer
     * than the host (a runner reading the host's output waits for every writer to close it).
     * A sidecar still starting is not waited for: its reporter ends it if it gets that far before
     * the JVM is gone, and if not, the sidecar finds nothing left of the session and exits.
     */
    public synchronized void release() {
        released = true;
        if (shell != null) {
            shell.close();
            shell = null;
        }
        if (process != null) {
            send(WatchdogMain.GOODBYE);
            try {
                events.close();
            } catch (IOException ignored) {
                // gone already: it has nothing to do either way
            }
            process.destroyForcibly();
        }
        process = null;
        events = null;
        notifyAll();
    }

    /** The shell the exit hook sends SIGINT through, or null (no sidecar yet, or none here). */
    public synchronized SignalShell signalShell() {
        return shell;
    }

    /** A class, not a method reference: a lambda on the first spawn's path costs its bootstrap. */
    private final class Reporter implements Runnable {
        @Override
        public void run() {
            report();
        }
    }

    /** The reporter thread: waits for children to last, starts the sidecar for the first, reports them. */
    private void report() {
        try {
            while (true) {
                List<String> lasting = new ArrayList<>();
                long sleepNanos;
                String replaced;
                synchronized (this) {
                    while (recent.isEmpty() && adoptedLines.isEmpty() && replacing == null && !released && !lost) {
                        wait();
                    }
                    if (released || lost) {
                        return;
                    }
                    replaced = replacing;
                    replacing = null;
                    if (replaced != null) {
                        // everything the lost sidecar had been told, before anything new
                        for (Process child : reported) {
                            if (child.isAlive()) {
                                lasting.add(Long.toString(child.pid()));
                            }
                        }
                        lasting.addAll(adoptedReported);
                    }
                    int told = lasting.size();
                    adoptedReported.addAll(adoptedLines);
                    lasting.addAll(adoptedLines);
                    adoptedLines.clear();
                    sleepNanos = takeLasting(lasting);
                    if (replaced != null) {
                        replaced += "; started a new one, told of the " + told + (told == 1 ? " process" : " processes")
                                + " it covered: pid ";
                    }
                }
                if (!lasting.isEmpty() || replaced != null) {
                    boolean launching = process == null;
                    if (launching && !launch()) {
                        return;
                    }
                    synchronized (this) {
                        if (replaced != null && process != null) {
                            Loggers.get(Watchdog.class).warn(replaced + process.pid());
                        }
                        for (int i = 0; i < lasting.size() && process != null; i++) {
                            send(lasting.get(i));
                        }
                    }
                    if (launching && replaced == null) {
                        // after the sidecar has heard of the children: their cover comes first
                        ExitWarmup.warm();
                    }
                }
                if (sleepNanos > 0) {
                    synchronized (this) {
                        // until the youngest child has lasted, or a lost sidecar is to be replaced
                        if (replacing == null && !released) {
                            wait(sleepNanos / 1_000_000, (int) (sleepNanos % 1_000_000));
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // never into the host: a SecurityManager installed since start-up that denies the agent, say
            synchronized (this) {
                lost("it failed (" + e + ")" + (e instanceof SecurityException ? "; " + Privileged.GRANT : ""));
            }
        }
    }

    /**
     * Moves the PIDs of live children older than the window into {@code lasting}, drops exited
     * ones, keeps younger ones; returns how long until the oldest kept one is old enough.
     */
    private long takeLasting(List<String> lasting) {
        long now = System.nanoTime();
        long window = LASTING_MILLIS * 1_000_000;
        long wait = 0;
        Iterator<Long> times = recentNanos.iterator();
        for (Iterator<Process> it = recent.iterator(); it.hasNext(); ) {
            Process child = it.next();
            long age = now - times.next();
            if (!child.isAlive()) {
                it.remove();
                times.remove();
            } else if (age >= window) {
                lasting.add(Long.toString(child.pid()));
                remember(child);
                it.remove();
                times.remove();
            } else if (wait == 0) {
                wait = window - age;
            }
        }
        return wait;
    }

    /** Keeps a reported child for a replacement sidecar; exited ones go whenever the list has doubled. Guarded by this. */
    private void remember(Process child) {
        reported.add(child);
        if (reported.size() >= pruneReportedAt) {
            for (Iterator<Process> it = reported.iterator(); it.hasNext(); ) {
                if (!it.next().isAlive()) {
                    it.remove();
                }
            }
            pruneReportedAt = Math.max(64, 2 * reported.size());
        }
    }

    /** Waits for one sidecar's end; if the host still lives and wants it, has it replaced. */
    private final class Guard implements Runnable {
        private final Process sidecar;

        Guard(Process sidecar) {
            this.sidecar = sidecar;
        }

        @Override
        public void run() {
            int status;
            try {
                status = sidecar.waitFor();
            } catch (InterruptedException e) {
                return;
            }
            ended(sidecar, status);
        }
    }

    private synchronized void ended(Process sidecar, int status) {
        if (process != sidecar || released) {
            return;
        }
        String what = "the watchdog (pid " + sidecar.pid() + ") " + (stoppedReading != null ? stoppedReading
                : "ended on its own (exit status " + status + (status > 128 ? ", signal " + (status - 128) : "") + ")");
        stoppedReading = null;
        process = null;
        events = null;
        if (exiting) {
            // the exit hook is reaping; a new sidecar would only compete with it
            return;
        }
        quickDeaths = System.nanoTime() - launchedNanos < QUICK_DEATH_MILLIS * 1_000_000 ? quickDeaths + 1 : 0;
        if (quickDeaths >= MAX_QUICK_DEATHS) {
            lost(what + ", for the third time in a row within " + QUICK_DEATH_MILLIS + " ms of its start");
            notifyAll();
            return;
        }
        replacing = what;
        notifyAll();
    }

    /** Starts the sidecar and the signal shell; false when the sidecar could not be started. */
    private boolean launch() {
        Process started = null;
        String failure = null;
        List<String> command = WatchdogCommand.command(session, exitConfig.get());
        if (command == null) {
            failure = "cannot locate the agent's code to start it";
        } else {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            WatchdogCommand.clean(builder.environment());
            try {
                started = OwnSpawns.start(builder);
            } catch (IOException | RuntimeException e) {
                failure = "it could not start (" + e.getMessage() + ")";
            }
        }
        boolean haveShell;
        synchronized (this) {
            haveShell = shell != null;
        }
        SignalShell startedShell = started == null || haveShell ? null : SignalShell.start();
        synchronized (this) {
            if (released) {
                // the host is already past its exit hook
                if (started != null) {
                    started.destroyForcibly();
                }
                if (startedShell != null) {
                    startedShell.close();
                }
                return false;
            }
            if (started == null) {
                lost(failure);
                return false;
            }
            process = started;
            events = started.getOutputStream();
            if (startedShell != null) {
                shell = startedShell;
            }
            launchedNanos = System.nanoTime();
            Thread guard = new Thread(new Guard(started), "reap-agent-watchdog-guard");
            guard.setDaemon(true);
            guard.start();
            debug("watchdog started: pid " + started.pid());
            return true;
        }
    }

    /**
     * One line to the watchdog. A watchdog that stopped reading is ended, and its guard has it
     * replaced: the replacement is told all that this one was. Never the host's problem.
     */
    private void send(String line) {
        if (events == null) {
            return;
        }
        try {
            events.write((line + "\n").getBytes(StandardCharsets.ISO_8859_1));
            events.flush();
        } catch (IOException e) {
            events = null;
            // A sidecar killed a moment ago breaks the pipe before the JDK has seen it exit: given
            // that moment, its guard says how it ended. Only one still running stopped reading.
            try {
                if (process.waitFor(EXIT_SEEN_MILLIS, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            stoppedReading = "stopped reading (" + e.getMessage() + ")";
            process.destroyForcibly();
        }
    }

    private void lost(String why) {
        Loggers.get(Watchdog.class).warn("the watchdog is lost: " + why
                + "; processes will not be reaped if this JVM dies without its shutdown hooks");
        if (process != null) {
            process.destroyForcibly();
        }
        process = null;
        events = null;
        lost = true;
        recent.clear();
        recentNanos.clear();
        adoptedLines.clear();
        reported.clear();
        adoptedReported.clear();
    }

    private static void debug(String message) {
        if (Log.debugEnabled()) {
            Loggers.get(Watchdog.class).debug(message);
        }
    }
}
