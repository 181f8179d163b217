package dev.reap.it.support;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A host's watchdog sidecars, found by their command lines. */
public final class Watchdogs {
    private Watchdogs() {
    }

    /** The host's watchdog, once it runs (it starts once a child has lived a moment). */
    public static long awaitWatchdog(Host host) throws InterruptedException {
        long[] found = {-1};
        assertThat(HostTest.eventually(Duration.ofSeconds(10), () -> {
            List<Long> running = watchdogs(host);
            found[0] = running.size() == 1 ? running.get(0) : -1;
            return found[0] > 0;
        })).as("one watchdog runs once the host's children have lived a moment; stderr:%n%s", host.stderr()).isTrue();
        return found[0];
    }

    /** The live watchdogs of the host's session, found by their command line. */
    public static List<Long> watchdogs(Host host) {
        return Proc.withCommandLineContaining("dev.reap.agent.watchdog.WatchdogMain " + host.pid() + "-");
    }
}
