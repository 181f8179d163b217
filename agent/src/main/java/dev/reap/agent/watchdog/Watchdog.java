package dev.reap.agent.watchdog;

import dev.reap.agent.config.ConfigLoader;
import dev.reap.agent.log.Log;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.proc.Privileged;
import dev.reap.agent.session.Adopted;
import dev.reap.agent.session.Session;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The host's end of the watchdog: its reporter thread tells the {@link Sidecar} of every child that
 * has lived {@value #LASTING_MILLIS} ms (starting the sidecar for the first), and the exit says
 * goodbye after it has reaped; a host that dies without its hooks closes the pipe without one, and
 * the sidecar reaps the session. Only children that lasted: a sidecar JVM costs some 200 ms of CPU,
 * and a line per spawn made a spawn loop 14% slower on two cores.
 *
 * <p>A sidecar that ends while the host lives is replaced at once, told all the lost one was (see
 * {@link Ledger}), with one warning line; three in a row that die within {@value #QUICK_DEATH_MILLIS}
 * ms of their start, or three pipes the host's own code closed: the watchdog is lost. Protocol, one
 * line each: a PID and its start time, a PID alone (the sidecar reads its start time while it is
 * still the host's child), or {@value WatchdogMain#GOODBYE}.
 */
public final class Watchdog implements Runnable {
    static final long LASTING_MILLIS = 200;
    static final long QUICK_DEATH_MILLIS = 2_000;
    private static final int MAX_QUICK_DEATHS = 3; // "the third time" in the warning

    private final Session session;
    private final ConfigLoader configs;
    private final File agentJar;
    private final Runnable firstLasting;
    /** Guarded by this, as the rest of the state. */
    private final Ledger ledger = new Ledger();
    private boolean reporting;
    private boolean released;
    private boolean lost;
    /** The host has begun its exit: a sidecar that ends now is not replaced (the exit hook is reaping). */
    private boolean exiting;
    /** Set by the guard when the sidecar ended while the host lives: the reporter starts a new one. */
    private String replacing;
    private int quickDeaths;
    private int lostPipes;
    private Sidecar sidecar;

    /** {@code firstLasting}: run on the reporter's thread once the first sidecar has heard of the first lasting child. */
    public Watchdog(Session session, ConfigLoader configs, File agentJar, Runnable firstLasting) {
        this.session = session;
        this.configs = configs;
        this.agentJar = agentJar;
        this.firstLasting = firstLasting;
        // the sidecar reads /proc: Linux only; elsewhere the exit hook alone reaps
        this.lost = !ProcFs.available();
    }

    /** Notes a spawn: the reporter tells the sidecar if the child lasts. */
    public synchronized void spawned(Process child) {
        if (released || lost) {
            return;
        }
        if (ledger.spawned(child) || !reporting) {
            wake();
        }
    }

    /** Tells the sidecar of processes known by PID (adopted at attach, native spawns), starting it at once: they have lasted already. */
    public synchronized void adopted(List<Adopted> processes) {
        if (!released && !lost && !processes.isEmpty()) {
            ledger.adopted(processes);
            wake();
        }
    }

    /** As {@link #adopted}, for processes in the session's cgroup that left the tree (a child's daemon). */
    public synchronized void inCgroup(List<ProcStat> processes) {
        if (!released && !lost && !processes.isEmpty()) {
            ledger.known(processes);
            wake();
        }
    }

    /** Guarded by this. The reporter is started with the agent's permissions: it is started on the host's stack. */
    private void wake() {
        if (reporting) {
            notifyAll();
        } else {
            reporting = true;
            Privileged.daemon(this, "reap-agent-watchdog");
        }
    }

    /** The exit has begun: no sidecar is started from now on; one running stays until {@link #release()}. */
    public synchronized void hostExiting() {
        exiting = true;
        ledger.clear(false);
        if (sidecar == null) {
            released = true;
            notifyAll();
        }
    }

    /**
     * After the exit's reaping: goodbye to the sidecar. One still starting is not waited for: its
     * reporter ends it, or it finds nothing left of the session and exits.
     */
    public synchronized void release() {
        released = true;
        if (sidecar != null) {
            sidecar.goodbye();
        }
        sidecar = null;
        notifyAll();
    }

    /**
     * The reporter thread: waits for children to last, starts the sidecar for the first, reports
     * them. Being its {@code Runnable} costs no class of its own on the first spawn's path.
     */
    @Override
    public void run() {
        try {
            boolean first = true;
            while (true) {
                List<String> lasting = new ArrayList<>();
                long sleepNanos;
                String replaced;
                synchronized (this) {
                    while (ledger.nothingWaiting() && replacing == null && !released && !lost) {
                        wait();
                    }
                    if (released || lost) {
                        return;
                    }
                    replaced = replacing;
                    replacing = null;
                    if (replaced != null) {
                        // everything the lost sidecar had been told, before anything new
                        lasting.addAll(ledger.toldSoFar());
                        replaced += "; started a new one, told of the " + lasting.size()
                                + (lasting.size() == 1 ? " process" : " processes") + " it covered: pid ";
                    }
                    sleepNanos = ledger.takeLasting(lasting, LASTING_MILLIS * 1_000_000);
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
            if (sidecar != null && sidecar.pipeLost()) {
                return replacedLostPipe();
            }
            haveOne = sidecar != null;
        }
        Sidecar started = haveOne ? null : launch();
        synchronized (this) {
            if (started != null && released) {
                // the host is already past its exit hook
                started.stop();
                return false;
            }
            if (started != null) {
                sidecar = started;
                started.guardFor(this);
            }
            if (sidecar == null) {
                return false;
            }
            if (replaced != null) {
                Loggers.get(Watchdog.class).warn(replaced + sidecar.pid());
            }
            for (String line : lines) {
                sidecar.send(line);
            }
            if (sidecar.pipeLost()) {
                // closed as the lines were written: the new sidecar is told them with the rest
                return replacedLostPipe();
            }
            if (Log.debugEnabled()) {
                Loggers.get(Watchdog.class).debug("told the watchdog (pid " + sidecar.pid() + ") of " + lines.size());
            }
            return true;
        }
    }

    /**
     * Guarded by this. The host's own code closed the sidecar's pipe: a new sidecar on a new one is
     * told everything; the one left waits for the host's end, so three are the most a host gets.
     * False when the watchdog is lost.
     */
    private boolean replacedLostPipe() {
        String what = "the watchdog (pid " + sidecar.pid() + ") lost its pipe: this JVM's code closed its descriptor";
        sidecar = null;
        if (++lostPipes >= MAX_QUICK_DEATHS) {
            lost(what + ", for the third time");
            return false;
        }
        replacing = what;
        return true;
    }

    /** Starts a sidecar; null (and the watchdog lost) when it cannot be started. */
    private Sidecar launch() {
        try {
            return Sidecar.start(agentJar, session, configs.atExit(), false);
        } catch (IOException e) {
            synchronized (this) {
                if (!released) {
                    lost(e.getMessage());
                }
            }
            return null;
        }
    }

    /** From the sidecar's guard: it ended with {@code status}; if the host still lives and wants it, it is replaced. */
    synchronized void ended(Sidecar ended, int status) {
        if (sidecar != ended || released) {
            return;
        }
        String what = "the watchdog (pid " + ended.pid() + ") " + ended.howItEnded(status);
        sidecar = null;
        if (exiting) {
            // the exit hook is reaping; a new sidecar would only compete with it
            return;
        }
        replace(what, ended.startedWithin(QUICK_DEATH_MILLIS));
    }

    /** Guarded by this: the reporter starts a new sidecar, unless this was the third quick loss in a row. */
    private void replace(String what, boolean quick) {
        quickDeaths = quick ? quickDeaths + 1 : 0;
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
        ledger.clear(true);
    }
}
