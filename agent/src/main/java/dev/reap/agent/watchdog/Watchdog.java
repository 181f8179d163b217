package dev.reap.agent.watchdog;

import dev.reap.agent.config.Config;
import dev.reap.agent.log.Log;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.session.Session;
import dev.reap.agent.spawn.OwnSpawns;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The host's end of the watchdog: starts the sidecar once a spawned child has lived
 * {@value #ARM_MILLIS} ms, tells it each spawned PID, and says goodbye after the exit hook has
 * reaped. If the host dies without its hooks, the kernel closes the pipe and the watchdog, seeing
 * the end of the stream without a goodbye, reaps the session.
 *
 * <p>Why not at the first spawn: starting a JVM sidecar costs some 90 ms of CPU, and measured
 * side by side a program that spawns once and exits was 8% slower for it on two cores. A JVM
 * that spawns nothing, or only children that end within {@value #ARM_MILLIS} ms ({@code git},
 * {@code true}), pays nothing; a host killed within that window after its first lasting spawn
 * leaves its children to the next start-up sweep or the {@code sweep} command. The sidecar is
 * started on a thread of its own, which sleeps out the window; PIDs spawned meanwhile wait here.
 *
 * <p>Protocol, one line each, host to watchdog: a PID (a spawn: the watchdog reads its start time
 * and command line from {@code /proc} itself, so a spawn costs the host one small write), or
 * {@value WatchdogMain#GOODBYE}. The JDK starts children with every descriptor but 0, 1 and 2
 * closed, so no other process holds the pipe's write end.
 */
public final class Watchdog {
    private enum State { IDLE, ARMED, STARTING, RUNNING, GONE }

    /** How long a child must live before the sidecar is started for it. */
    static final long ARM_MILLIS = 200;

    private final Session session;
    private final Supplier<Config> exitConfig;
    private State state;
    private Thread starter;
    private Process process;
    private OutputStream events;
    private long[] pending = new long[8];
    private int pendingCount;

    public Watchdog(Session session, Supplier<Config> exitConfig) {
        this.session = session;
        this.exitConfig = exitConfig;
        // the sidecar reads /proc: Linux only; elsewhere the exit hook alone reaps
        this.state = ProcFs.available() ? State.IDLE : State.GONE;
    }

    /** Tells the watchdog of a spawn, arming its start if it is not running. Never throws. */
    public synchronized void spawned(long pid) {
        switch (state) {
            case IDLE:
                state = State.ARMED;
                if (starter == null) {
                    starter = new Thread(this::armAndLaunch, "reap-agent-watchdog");
                    starter.setDaemon(true);
                    starter.start();
                } else {
                    notifyAll();
                }
                // fall through: the PID waits until the pipe exists
            case ARMED:
            case STARTING:
                if (pendingCount == pending.length) {
                    pending = Arrays.copyOf(pending, pending.length * 2);
                }
                pending[pendingCount++] = pid;
                return;
            case RUNNING:
                send(Long.toString(pid));
                return;
            default:
                // lost, or not on this platform: the exit hook still reaps
        }
    }

    /**
     * After a clean exit's reaping: goodbye, then SIGKILL to the sidecar, our own child holding
     * nothing worth a polite end, so that it does not hold the host's stderr a moment longer
     * than the host (a runner reading the host's output waits for every writer to close it).
     * A sidecar still starting is not waited for: its starter ends it if it gets that far before
     * the JVM is gone, and if not, the sidecar finds nothing left of the session and exits.
     */
    public synchronized void release() {
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
        state = State.GONE;
        notifyAll();
    }

    /** The sidecar's PID, or -1 when none runs. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** The starter thread: once armed, waits out the window, then starts the sidecar if a child still lives. */
    private void armAndLaunch() {
        try {
            while (true) {
                synchronized (this) {
                    while (state == State.IDLE) {
                        wait();
                    }
                    if (state != State.ARMED) {
                        return;
                    }
                }
                Thread.sleep(ARM_MILLIS);
                synchronized (this) {
                    if (state != State.ARMED) {
                        return;
                    }
                    if (!anyPendingAlive()) {
                        pendingCount = 0;
                        state = State.IDLE;
                        continue;
                    }
                    state = State.STARTING;
                }
                launch();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True when a child spawned since the last check is still the host's and alive. */
    private boolean anyPendingAlive() {
        for (int i = 0; i < pendingCount; i++) {
            ProcStat stat = ProcFs.stat(pending[i]);
            if (stat != null && !stat.exited() && stat.parentPid() == session.pid()) {
                return true;
            }
        }
        return false;
    }

    private void launch() {
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
        synchronized (this) {
            if (state != State.STARTING) {
                // the host is already past its exit hook
                if (started != null) {
                    started.destroyForcibly();
                }
                return;
            }
            if (started == null) {
                lost(failure);
            } else {
                process = started;
                events = started.getOutputStream();
                state = State.RUNNING;
                debug("watchdog started: pid " + started.pid());
                for (int i = 0; i < pendingCount && state == State.RUNNING; i++) {
                    send(Long.toString(pending[i]));
                }
            }
            pending = null;
        }
    }

    /** One line to the watchdog; a watchdog that stopped reading is lost, never the host's problem. */
    private void send(String line) {
        try {
            events.write((line + "\n").getBytes(StandardCharsets.ISO_8859_1));
            events.flush();
        } catch (IOException e) {
            lost("it stopped reading (" + e.getMessage() + ")");
        }
    }

    private void lost(String why) {
        Log.get(Watchdog.class).warn("the watchdog is lost: " + why
                + "; processes will not be reaped if this JVM dies without its shutdown hooks");
        if (process != null) {
            process.destroyForcibly();
        }
        process = null;
        events = null;
        state = State.GONE;
    }

    private static void debug(String message) {
        if (Log.debugEnabled()) {
            Log.get(Watchdog.class).debug(message);
        }
    }
}
