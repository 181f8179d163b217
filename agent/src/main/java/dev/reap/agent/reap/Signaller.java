package dev.reap.agent.reap;

import dev.reap.agent.log.Loggers;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.OwnSpawns;
import org.slf4j.Logger;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Sends one signal to many processes at once, each checked to still be the same process right
 * before. TERM and KILL go through {@link ProcessHandle} (the JDK re-checks the start time in
 * native code); Java has no API for the others: a {@link SignalShell} when the caller keeps one,
 * else one {@code kill -N pid...} process carries a whole rung (a few milliseconds for a hundred
 * PIDs).
 */
public final class Signaller {
    private static final Logger LOG = Loggers.get(Signaller.class);
    private static final int PIDS_PER_COMMAND = 500;
    private static final long KILL_COMMAND_TIMEOUT_MILLIS = 5_000;

    private final SignalShell shell;

    /** {@code shell} may be null: each rung then starts a {@code kill} process. */
    Signaller(SignalShell shell) {
        this.shell = shell;
    }

    /** True when {@code signal} can be sent on this platform. */
    boolean canSend(Signal signal) {
        return signal == Signal.TERM || signal == Signal.KILL || ProcFs.available();
    }

    /** True when the target ignores the signal (its {@code SigIgn} mask); false when unknown. */
    boolean ignores(Target target, Signal signal) {
        if (signal == Signal.KILL || !ProcFs.available()) {
            return false;
        }
        return ignores(ProcFs.ignoredSignals(target.pid()), signal);
    }

    /** True when {@code mask} (bit {@code n-1} for signal {@code n}) has the signal; never for KILL. */
    static boolean ignores(long mask, Signal signal) {
        return signal != Signal.KILL && (mask >>> (signal.number() - 1) & 1L) != 0;
    }

    void send(Signal signal, List<Target> targets) {
        if (shell != null && !shell.awaitSent()) {
            LOG.debug("the signal shell did not confirm the previous rung");
        }
        if (signal == Signal.TERM || signal == Signal.KILL) {
            for (Target t : targets) {
                Optional<ProcessHandle> handle = t.handleIfSame();
                if (handle.isPresent()) {
                    boolean sent = signal == Signal.KILL ? handle.get().destroyForcibly() : handle.get().destroy();
                    if (!sent) {
                        LOG.debug("could not send {} to {}", signal.fullName(), t);
                    }
                }
            }
            return;
        }
        List<String> pids = new ArrayList<>();
        for (Target t : targets) {
            if (t.handleIfSame().isPresent()) {
                pids.add(Long.toString(t.pid()));
            }
        }
        // all helpers first, then the wait: a second batch must not wait out the first one's exit storm
        List<Process> helpers = new ArrayList<>();
        for (int from = 0; from < pids.size(); from += PIDS_PER_COMMAND) {
            List<String> some = pids.subList(from, Math.min(pids.size(), from + PIDS_PER_COMMAND));
            if (shell == null || !shell.kill(signal, some)) {
                Process helper = startKill(signal, some);
                if (helper != null) {
                    helpers.add(helper);
                }
            }
        }
        for (Process helper : helpers) {
            awaitKill(helper);
        }
    }

    /**
     * Sends one signal to one process through a {@code kill} process, for a caller that has
     * checked the PID is the one it means (the attach CLI's SIGQUIT); false when it could not be sent.
     */
    public static boolean sendOnce(Signal signal, long pid) {
        Process kill = startKill(signal, List.of(Long.toString(pid)));
        if (kill == null) {
            return false;
        }
        awaitKill(kill);
        return !kill.isAlive() && kill.exitValue() == 0;
    }

    private static Process startKill(Signal signal, List<String> pids) {
        List<String> command = new ArrayList<>();
        String binary = killBinary();
        if (binary != null) {
            command.add(binary);
            command.add("-" + signal.number());
        } else {
            command.add("/bin/sh");
            command.add("-c");
            command.add("kill -" + signal.number() + " \"$@\"");
            command.add("sh");
        }
        command.addAll(pids);
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            return OwnSpawns.start(builder);
        } catch (IOException e) {
            LOG.warn("cannot run kill to send {}: {}", signal.fullName(), e.getMessage());
            return null;
        }
    }

    private static void awaitKill(Process kill) {
        try {
            // exited once it is a zombie: the JDK's reaper thread may be slow to notice while
            // the children it has just signalled exit all at once
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(KILL_COMMAND_TIMEOUT_MILLIS);
            long poll = 1;
            while (!Target.hasExited(kill) && System.nanoTime() < deadline) {
                kill.waitFor(poll, TimeUnit.MILLISECONDS);
                poll = Math.min(10, poll * 2);
            }
            if (!Target.hasExited(kill)) {
                kill.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String killBinary() {
        for (String path : new String[] {"/bin/kill", "/usr/bin/kill"}) {
            if (new File(path).canExecute()) {
                return path;
            }
        }
        return null;
    }
}
