package dev.reap.agent.proc;

import java.security.AccessControlException;
import java.security.AccessController;
import java.security.AllPermission;
import java.security.PrivilegedAction;

/**
 * The agent's work, done with the agent's own permissions. Under a SecurityManager (JDK 17 to 23)
 * the host's code on the stack (its spawn, JUnit calling the listener) may lack what the agent
 * needs ({@code /proc}, processes, threads, a shutdown hook), and a thread the agent starts there
 * would inherit those limits for good. Inside {@code doPrivileged} only the agent jar's own grant
 * counts. Without a SecurityManager (always on JDK 24 and later) it is a plain call.
 */
public final class Privileged {
    /** What to tell a user whose SecurityManager denies the agent. */
    public static final String GRANT = "grant the agent's jar java.security.AllPermission in the policy";

    private Privileged() {
    }

    public static <T> T call(PrivilegedAction<T> action) {
        return System.getSecurityManager() == null ? action.run() : AccessController.doPrivileged(action);
    }

    public static void run(Runnable action) {
        call(new Running(action));
    }

    private static final class Running implements PrivilegedAction<Void> {
        private final Runnable action;

        Running(Runnable action) {
            this.action = action;
        }

        @Override
        public Void run() {
            action.run();
            return null;
        }
    }

    /**
     * For what makes threads or hooks that outlive the call: a thread keeps the permissions of the
     * code that made it, so one made on the host's stack would fail once the host installs a
     * SecurityManager later ({@code -Djava.security.manager=allow}). Privileged even without one.
     */
    public static <T> T always(PrivilegedAction<T> action) {
        return AccessController.doPrivileged(action);
    }

    /**
     * Starts a daemon thread made with the agent's permissions (see {@link #always}): one started
     * on the host's stack would otherwise keep the host's.
     */
    public static Thread daemon(Runnable work, String name) {
        return always(new DaemonStart(work, name));
    }

    private static final class DaemonStart implements PrivilegedAction<Thread> {
        private final Runnable work;
        private final String name;

        DaemonStart(Runnable work, String name) {
            this.work = work;
            this.name = name;
        }

        @Override
        public Thread run() {
            Thread thread = new Thread(work, name);
            thread.setDaemon(true);
            thread.start();
            return thread;
        }
    }

    /**
     * Null when the agent may do its work here; else the permission its jar lacks under the
     * installed SecurityManager. It needs them all: it watches, signals and starts processes,
     * reads {@code /proc} and files, and hooks the JDK.
     */
    public static String missingPermission() {
        if (System.getSecurityManager() == null) {
            return null;
        }
        try {
            AccessController.doPrivileged(new Check());
            return null;
        } catch (AccessControlException e) {
            return e.getPermission() == null ? e.getMessage() : e.getPermission().getClass().getName();
        } catch (SecurityException e) {
            return e.getMessage();
        }
    }

    private static final class Check implements PrivilegedAction<Void> {
        @Override
        public Void run() {
            AccessController.checkPermission(new AllPermission());
            return null;
        }
    }
}
