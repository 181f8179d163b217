package dev.reap.agent.reap;

import dev.reap.agent.proc.OwnSpawns;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A shell kept ready to send signals Java has no API for: the shell's built-in {@code kill} takes
 * a whole rung's PIDs in microseconds, with no process to start at the moment it matters (the
 * watchdog reacts to its host's death with one). Each command is acknowledged; the reaper does not
 * wait for that before watching the processes exit (while a hundred children die at once the shell
 * may be starved of CPU until they are gone), only before it sends the next rung's signal, so the
 * ladder's order holds.
 */
public final class SignalShell implements AutoCloseable {
    private static final long ACK_TIMEOUT_MILLIS = 2_000;

    private final Process shell;
    private final OutputStream commands;
    private final InputStream acks;
    private int unacknowledged;

    private SignalShell(Process shell) {
        this.shell = shell;
        this.commands = shell.getOutputStream();
        this.acks = shell.getInputStream();
    }

    /** Starts the shell, or returns null when there is none. */
    public static SignalShell start() {
        try {
            ProcessBuilder builder = new ProcessBuilder("/bin/sh")
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            SignalShell shell = new SignalShell(OwnSpawns.start(builder));
            // a Ctrl-C to the host's process group must not take the shell the host's exit needs
            shell.commands.write("trap '' INT TERM HUP\n".getBytes(StandardCharsets.ISO_8859_1));
            shell.commands.flush();
            return shell;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Hands {@code signal} for {@code pids} to the shell; false when the shell cannot take it. */
    synchronized boolean kill(Signal signal, List<String> pids) {
        if (!shell.isAlive()) {
            return false;
        }
        StringBuilder line = new StringBuilder("kill -").append(signal.number());
        for (String pid : pids) {
            line.append(' ').append(pid);
        }
        // the exit status is not ours to judge: some PIDs may have exited meanwhile
        line.append(" 2>/dev/null; echo\n");
        try {
            commands.write(line.toString().getBytes(StandardCharsets.ISO_8859_1));
            commands.flush();
            unacknowledged++;
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits (bounded) until the shell has sent every signal handed to it; false when it did not. */
    synchronized boolean awaitSent() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ACK_TIMEOUT_MILLIS);
        try {
            while (unacknowledged > 0) {
                if (acks.available() > 0) {
                    if (acks.read() < 0) {
                        return false;
                    }
                    unacknowledged--;
                } else if (!shell.isAlive() || System.nanoTime() > deadline) {
                    return false;
                } else {
                    Thread.sleep(1);
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        shell.destroyForcibly();
    }
}
