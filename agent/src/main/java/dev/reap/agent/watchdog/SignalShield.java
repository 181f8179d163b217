package dev.reap.agent.watchdog;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Makes the watchdog ignore SIGINT, SIGTERM and SIGHUP: they are what a terminal or a CI runner
 * sends the host's whole process group or tree, which is exactly when the watchdog must stay to
 * do its job. (It also runs in a session of its own where {@code setsid} exists.) It ends by
 * itself once its host is gone; SIGKILL still ends it at once.
 */
final class SignalShield {
    private static final String[] SIGNALS = {"INT", "TERM", "HUP"};

    private SignalShield() {
    }

    static void raise() {
        for (String name : SIGNALS) {
            try {
                Signal.handle(new Signal(name), SignalHandler.SIG_IGN);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // not on this platform, or reserved by the JVM (-Xrs): the session still shields it
            }
        }
    }
}
