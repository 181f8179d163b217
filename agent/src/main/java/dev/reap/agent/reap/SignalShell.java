package dev.reap.agent.reap;

import dev.reap.agent.spawn.OwnSpawns;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A shell kept ready to send signals Java has no API for: the shell's built-in {@code kill} takes
 * a whole rung's PIDs in microseconds, with no process to start at the moment it matters (the
 * watchdog reacts to its host's death with one). Each command is acknowledged, so a signal counts
 * as sent only once the shell has sent it.
 */
public final class SignalShell implements AutoCloseable {
    private static final long ACK_TIMEOUT_MILLIS = 2_000;

    private final Process shell;
    private final OutputStream commands;
    private final InputStream acks;

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
            return new SignalShell(OwnSpawns.start(builder));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Sends {@code signal} to {@code pids}; false when the shell did not confirm it. */
    synchronized boolean kill(Signal signal, List<String> pids) {
        StringBuilder line = new StringBuilder("kill -").append(signal.number());
        for (String pid : pids) {
            line.append(' ').append(pid);
        }
        // the exit status is not ours to judge: some PIDs may have exited meanwhile
        line.append(" 2>/dev/null; echo\n");
        try {
            commands.write(line.toString().getBytes(StandardCharsets.ISO_8859_1));
            commands.flush();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ACK_TIMEOUT_MILLIS);
            while (acks.available() == 0) {
                if (!shell.isAlive() || System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(0, 200_000);
            }
            return acks.read() >= 0;
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
