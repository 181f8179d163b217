package dev.reap.agent.watchdog;

import dev.reap.agent.config.ConfigLoader;
import dev.reap.agent.log.Log;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.Privileged;
import dev.reap.agent.session.Adopted;
import dev.reap.agent.session.Session;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The host's end of the watchdog. It tells the {@link Sidecar} of every child that has lived
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
 * <p>A sidecar that ends while the host lives (killed on its own, chosen by the OOM killer) is
 * replaced at once, told everything the lost one had been told, with one warning line: the host
 * keeps the children it reported (pruned as they exit) and the lines of adopted processes. A
 * guard thread waits for each sidecar's end. Three sidecars in a row that die within
 * {@value #QUICK_DEATH_MILLIS} ms of their start are not replaced again: the watchdog is lost.
 *
 * <p>Protocol, one line each, host to sidecar: a PID (the sidecar reads its start time from
 * {@code /proc} itself, and only while the PID is still the host's child), a PID and the start
 * time the host read (a process adopted at attach), or {@value WatchdogMain#GOODBYE}.
 */
public final class Watchdog {
    /** How long a child must live before the sidecar hears of it. */
    static final long LASTING_MILLIS = 200;
    /** A sidecar that dies this soon after its start, three times in a row, is not started again. */
    static final long QUICK_DEATH_MILLIS = 2_000;
    private static final int MAX_QUICK_DEATHS = 3; // "the third time" in the warning

    private final Session session;
    private final ConfigLoader configs;
    private final File agentJar;
    private final Runnable firstLasting;
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
    private Sidecar sidecar;

    /**
     * {@code configs}: where the exit keys come from when the sidecar starts; {@code agentJar}: the
     * code it runs; {@code firstLasting}: run on the reporter's thread once the first sidecar has
     * heard of the first lasting child (the agent readies its exit then).
     */
    public Watchdog(Session session, ConfigLoader configs, File agentJar, Runnable firstLasting) {
        this.session = session;
        this.configs = configs;
        this.agentJar = agentJar;
        this.firstLasting = firstLasting;
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

    /** Guarded by this. With the agent's permissions: it is started on the host's stack. */
    private void startReporter() {
        reporter = Privileged.daemon(new Reporter(), "reap-agent-watchdog");
    }

    private final class Reporter implements Runnable {
        @Override
        public void run() {
            report();
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
        if (sidecar == null) {
            released = true;
            notifyAll();
        }
    }

    /**
     * After a clean exit's reaping: goodbye to the sidecar. One still starting is not waited for:
     * its reporter ends it if it gets that far before the JVM is gone, and if not, the sidecar
     * finds nothing left of the session and exits.
     */
    public synchronized void release() {
        released = true;
        if (sidecar != null) {
            sidecar.goodbye();
        }
        sidecar = null;
        notifyAll();
    }

    /** The reporter thread: waits for children to last, starts the sidecar for the first, reports them. */
    private void report() {
        try {
            boolean first = true;
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
                        replaced += "; started a new one, told of the " + lasting.size()
                                + (lasting.size() == 1 ? " process" : " processes") + " it covered: pid ";
                    }
                    adoptedReported.addAll(adoptedLines);
                    lasting.addAll(adoptedLines);
                    adoptedLines.clear();
                    sleepNanos = takeLasting(lasting);
                }
                if (!lasting.isEmpty() || replaced != null) {
                    if (!tell(lasting, replaced)) {
                        return;
                    }
                    if (first) {
                        // after the sidecar has heard of the children: their cover comes first
                        first = false;
                        firstLasting.run();
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

    /** Starts a sidecar when there is none, then sends the lines; false when there is no sidecar to be had. */
    private boolean tell(List<String> lines, String replaced) {
        boolean haveOne;
        synchronized (this) {
            haveOne = sidecar != null;
        }
        Sidecar started = haveOne ? null : launch();
        synchronized (this) {
            if (!haveOne) {
                if (released) {
                    // the host is already past its exit hook
                    if (started != null) {
                        started.stop();
                    }
                    return false;
                }
                if (started == null) {
                    return false;
                }
                sidecar = started;
                Thread guard = new Thread(new Guard(started), "reap-agent-watchdog-guard");
                guard.setDaemon(true);
                guard.start();
            }
            if (replaced != null) {
                Loggers.get(Watchdog.class).warn(replaced + sidecar.pid());
            }
            for (String line : lines) {
                sidecar.send(line);
            }
            return true;
        }
    }

    /** Starts a sidecar; null (and the watchdog lost) when it cannot be started. */
    private Sidecar launch() {
        String failure;
        if (agentJar == null) {
            failure = "cannot locate the agent's code to start it";
        } else {
            try {
                Sidecar started = Sidecar.start(WatchdogCommand.command(agentJar, session, configs.atExit()));
                if (Log.debugEnabled()) {
                    Loggers.get(Watchdog.class).debug("watchdog started: pid " + started.pid());
                }
                return started;
            } catch (IOException | RuntimeException e) {
                failure = "it could not start (" + e.getMessage() + ")";
            }
        }
        synchronized (this) {
            if (!released) {
                lost(failure);
            }
        }
        return null;
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
        private final Sidecar watched;

        Guard(Sidecar watched) {
            this.watched = watched;
        }

        @Override
        public void run() {
            try {
                ended(watched, watched.process().waitFor());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private synchronized void ended(Sidecar ended, int status) {
        if (sidecar != ended || released) {
            return;
        }
        String what = "the watchdog (pid " + ended.pid() + ") " + ended.howItEnded(status);
        sidecar = null;
        if (exiting) {
            // the exit hook is reaping; a new sidecar would only compete with it
            return;
        }
        quickDeaths = ended.startedWithin(QUICK_DEATH_MILLIS) ? quickDeaths + 1 : 0;
        if (quickDeaths >= MAX_QUICK_DEATHS) {
            lost(what + ", for the third time in a row within " + QUICK_DEATH_MILLIS + " ms of its start");
        } else {
            replacing = what;
        }
        notifyAll();
    }

    /** Guarded by this. */
    private void lost(String why) {
        Loggers.get(Watchdog.class).warn("the watchdog is lost: " + why
                + "; processes will not be reaped if this JVM dies without its shutdown hooks");
        if (sidecar != null) {
            sidecar.stop();
        }
        sidecar = null;
        lost = true;
        recent.clear();
        recentNanos.clear();
        adoptedLines.clear();
        reported.clear();
        adoptedReported.clear();
    }
}
