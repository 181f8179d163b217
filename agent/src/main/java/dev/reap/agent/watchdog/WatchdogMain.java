package dev.reap.agent.watchdog;

import dev.reap.agent.proc.OwnCgroup;
import dev.reap.agent.config.Config;
import dev.reap.agent.config.ConfigException;
import dev.reap.agent.config.ConfigLoader;
import dev.reap.agent.log.Log;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.proc.SessionCgroup;
import dev.reap.agent.reap.SignalShell;
import dev.reap.agent.session.Session;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;

/**
 * The watchdog sidecar's entry: {@code WatchdogMain <session id>}, the exit keys as system
 * properties, spawn events on stdin (see {@link Watchdog}). On the end of stream it either
 * exits (after the host's goodbye) or reaps the session (the host died without its hooks).
 */
public final class WatchdogMain {
    static final String GOODBYE = "bye";
    /** The second argument of the sidecar started for what is spawned after the exit hook. */
    static final String AFTER_EXIT = "after-exit";

    private WatchdogMain() {
    }

    public static void main(String[] args) {
        boolean afterExit = args.length == 2 && AFTER_EXIT.equals(args[1]);
        Session session = args.length == 1 || afterExit ? Session.parse(args[0]) : null;
        if (session == null) {
            Log.line("error: the watchdog takes a session id (<pid>-<start>), then optionally " + AFTER_EXIT
                    + "; got " + String.join(" ", args));
            System.exit(2);
            return;
        }
        Config config;
        try {
            config = ConfigLoader.load("", System.getProperties(), Collections.emptyMap());
        } catch (ConfigException e) {
            Log.line("error: watchdog: " + e.getMessage());
            System.exit(2);
            return;
        }
        Log.setLevel(config.log());
        // born in the session's cgroup: it must outlive what it reaps there
        OwnCgroup.leaveSessionCgroup(session.id());
        SignalShield.raise();
        // ready before it is needed: no process to start when the host dies
        SignalShell shell = SignalShell.start();
        Watched watched = new Watched(session);
        boolean goodbye;
        try {
            goodbye = follow(System.in, watched);
        } catch (IOException e) {
            goodbye = false;
        }
        if (!goodbye) {
            awaitTheEndOf(session);
            new HostDeathReap(session, config, watched, shell, afterExit).run();
        }
        if (shell != null) {
            shell.close();
        }
        System.exit(0);
    }

    /** Reads events until the end of the stream; true when the host said goodbye. */
    static boolean follow(InputStream in, Watched watched) throws IOException {
        InputStream events = new BufferedInputStream(in, 4096);
        StringBuilder line = new StringBuilder(24);
        int c;
        while ((c = events.read()) >= 0) {
            if (c != '\n') {
                if (line.length() < 64) {
                    line.append((char) c);
                }
                continue;
            }
            if (GOODBYE.contentEquals(line)) {
                return true;
            }
            int space = indexOf(line, ' ');
            if (space < 0) {
                long pid = ProcStat.parseLong(line, 0, line.length());
                if (pid > 0) {
                    watched.add(pid);
                }
            } else {
                long pid = ProcStat.parseLong(line, 0, space);
                long startTicks = ProcStat.parseLong(line, space + 1, line.length());
                if (pid > 0 && startTicks >= 0) {
                    watched.addAdopted(pid, startTicks);
                }
            }
            line.setLength(0);
        }
        return false;
    }

    /**
     * Returns once the host's process has ended (gone, a zombie, or its PID another process's): an
     * end of stream from a host that lives on (native code that closed every descriptor) is no
     * death, and its children are not reaped while it runs. A host that dies closes the pipe in
     * its last moments: looked at again within a millisecond or two, then every 100 ms.
     */
    static void awaitTheEndOf(Session session) {
        boolean said = false;
        for (long millis = 1; ProcFs.available() && ProcFs.isAlive(session.pid(), session.startTime()); millis = Math.min(100, millis * 2)) {
            if (!said && millis == 100) {
                said = true;
                Loggers.get(WatchdogMain.class).debug("watchdog: JVM {} closed its pipe but lives on: its end is awaited",
                        session.pid());
            }
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static int indexOf(CharSequence text, char c) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }
}
