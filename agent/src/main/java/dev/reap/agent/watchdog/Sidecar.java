package dev.reap.agent.watchdog;

import dev.reap.agent.config.Config;
import dev.reap.agent.log.Log;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.proc.OwnSpawns;
import dev.reap.agent.proc.ProcDetails;
import dev.reap.agent.session.Session;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One watchdog sidecar as the host sees it: the process, and the pipe the host writes its lines to.
 * The JDK starts children with every descriptor but 0, 1 and 2 closed, so no other process holds
 * the pipe's write end: when the host dies, the sidecar reads the end of the stream.
 */
final class Sidecar implements Runnable {
    /** How long a broken pipe waits for the JDK to see the sidecar's exit. */
    private static final long EXIT_SEEN_MILLIS = 200;

    private final Process process;
    private final long startedNanos = System.nanoTime();
    private OutputStream events;
    /** The host's descriptor of the pipe's write end and the pipe's name ({@code pipe:[4242]}); -1 and null when unknown. */
    private int pipeDescriptor = -1;
    private String pipeName;
    private Watchdog owner;
    /** Why the host ended it, when it stopped reading; else null. */
    private String stoppedReading;

    private Sidecar(Process process) {
        this.process = process;
        this.events = process.getOutputStream();
    }

    /**
     * Starts one for {@code session}, running {@code agentJar} with the exit keys of {@code config}:
     * stdout to nowhere, stderr shared with the host, so that its report reaches the same log;
     * {@code afterExit}: one for what is spawned after the exit hook, which outlives the host by
     * design and so must not hold its stderr (a runner reading it waits for every writer). The
     * exception's message says why it could not start.
     */
    static Sidecar start(File agentJar, Session session, Config config, boolean afterExit) throws IOException {
        if (agentJar == null) {
            throw new IOException("cannot locate the agent's code to start it");
        }
        ProcessBuilder builder = new ProcessBuilder(WatchdogCommand.command(agentJar, session, config, afterExit))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(afterExit ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.INHERIT);
        WatchdogCommand.clean(builder.environment());
        Sidecar started;
        try {
            started = new Sidecar(OwnSpawns.start(builder));
        } catch (IOException | RuntimeException e) {
            throw new IOException("it could not start (" + e.getMessage() + ")", e);
        }
        started.findPipe();
        if (Log.debugEnabled()) {
            Loggers.get(Sidecar.class).debug("watchdog started: pid " + started.pid() + ", its pipe "
                    + started.pipeName + " at descriptor " + started.pipeDescriptor);
        }
        return started;
    }

    /** Starts the guard thread that waits for its end and tells {@code watchdog}. */
    void guardFor(Watchdog watchdog) {
        owner = watchdog;
        Thread guard = new Thread(this, "reap-agent-watchdog-guard");
        guard.setDaemon(true);
        guard.start();
    }

    /** The guard. */
    @Override
    public void run() {
        try {
            owner.ended(this, process.waitFor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long pid() {
        return process.pid();
    }

    boolean startedWithin(long millis) {
        return System.nanoTime() - startedNanos < TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /**
     * The descriptor the host holds of the pipe the sidecar reads: the one of this process's
     * descriptors that names the same pipe as the sidecar's stdin (none when two do: a copy).
     */
    private void findPipe() {
        String name = ProcDetails.link("/proc/" + process.pid() + "/fd/0");
        // setsid exec'ing java a moment ago: its descriptors can be unreadable for that moment
        for (int tries = 0; (name == null || !name.startsWith("pipe:")) && tries < 50 && process.isAlive(); tries++) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            name = ProcDetails.link("/proc/" + process.pid() + "/fd/0");
        }
        String[] descriptors = name == null || !name.startsWith("pipe:") ? null : new File("/proc/self/fd").list();
        for (String descriptor : descriptors == null ? new String[0] : descriptors) {
            if (name.equals(ProcDetails.link("/proc/self/fd/" + descriptor))) {
                if (pipeName != null) {
                    pipeName = null;
                    return;
                }
                pipeName = name;
                pipeDescriptor = Integer.parseInt(descriptor);
            }
        }
    }

    /**
     * True once the host's descriptor no longer names the pipe while the sidecar lives: the host's
     * own code closed it (native code closing every descriptor), and the number may be another
     * file's now. Nothing more is written to it, nor is it closed: that would be the host's file.
     * (A sidecar that has ended had its pipe closed by the JDK: its guard reports that end.)
     */
    boolean pipeLost() {
        return pipeName != null && process.isAlive()
                && !pipeName.equals(ProcDetails.link("/proc/self/fd/" + pipeDescriptor));
    }

    /**
     * One line. A sidecar that stopped reading is ended (its guard then has it replaced); a pipe
     * broken because the sidecar was killed a moment ago is left for its guard to report. The
     * caller has made sure the pipe is not {@link #pipeLost() lost}.
     */
    void send(String line) {
        if (events == null) {
            return;
        }
        try {
            events.write((line + "\n").getBytes(StandardCharsets.ISO_8859_1));
            events.flush();
        } catch (IOException e) {
            events = null;
            if (pipeLost()) {
                // closed by the host's own code between the look and the write: see pipeLost, stop
                return;
            }
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

    /**
     * Goodbye, then SIGKILL: our own child, holding nothing worth a polite end, must not hold the
     * host's stderr a moment longer than the host (a runner reading that output waits for every
     * writer to close it).
     */
    void goodbye() {
        if (!pipeLost()) {
            send(WatchdogMain.GOODBYE);
        }
        stop();
    }

    void stop() {
        if (pipeLost()) {
            // killed, its end would have the JDK close that descriptor, the host's file now: it ends with the host
            events = null;
            return;
        }
        try {
            if (events != null) {
                events.close();
            }
        } catch (IOException ignored) {
            // gone already: it has nothing to do either way
        }
        events = null;
        process.destroyForcibly();
    }

    /** How it ended, for the warning: {@code stopped reading (...)} or {@code ended on its own (exit status 137, signal 9)}. */
    String howItEnded(int status) {
        return stoppedReading != null ? stoppedReading
                : "ended on its own (exit status " + status + (status > 128 ? ", signal " + (status - 128) : "") + ")";
    }
}
