package dev.reap.agent.watchdog;

import dev.reap.agent.config.Config;
import dev.reap.agent.config.Key;
import dev.reap.agent.session.Session;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The watchdog's command line and environment: the host's own {@code java}, tuned to stay small
 * (interpreter only: it runs a few milliseconds of code in its life; serial GC, a tiny heap;
 * no class-data sharing: measured, 4 MB less resident and 3 MB less proportional memory for
 * some 30 ms more CPU at its start),
 * in a session of its own (so a signal to the host's process group does not reach it), with
 * the exit keys as system properties and nothing that would load an agent into it.
 */
final class WatchdogCommand {
    static final String MAIN = WatchdogMain.class.getName();
    /** What the launcher reads before {@code main}: none may load an agent into the watchdog. */
    private static final String[] LAUNCHER_OPTIONS = {"JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "CLASSPATH"};
    private static final String[] JVM_OPTIONS = {
        "-Xshare:off", "-Xint", "-XX:+UseSerialGC", "-Xms2m", "-Xmx16m", "-Xss256k",
        "-XX:-UsePerfData", "-XX:+DisableAttachMechanism",
    };

    private WatchdogCommand() {
    }

    /**
     * The command: the keys that act at exit (and {@code reap.log}) as the configuration holds them
     * now, as system properties the sidecar reads with the agent's own loader.
     */
    static List<String> command(File agentJar, Session session, Config exitConfig, boolean afterExit) {
        List<String> command = new ArrayList<>();
        String setsid = setsid();
        if (setsid != null) {
            command.add(setsid);
        }
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.addAll(List.of(JVM_OPTIONS));
        for (Key key : Key.values()) {
            String text = exitConfig.text(key);
            if ((key.readAgainAtExit() || key == Key.LOG) && text != null) {
                command.add("-D" + key.property() + "=" + text);
            }
        }
        command.add("-cp");
        command.add(agentJar.getPath());
        command.add(MAIN);
        command.add(session.id());
        if (afterExit) {
            command.add(WatchdogMain.AFTER_EXIT);
        }
        return command;
    }

    /** Strips what would load an agent or tag the watchdog as one of the session's processes. */
    static void clean(Map<String, String> environment) {
        for (String name : LAUNCHER_OPTIONS) {
            environment.remove(name);
        }
        environment.remove(Session.TAG);
        environment.remove(Session.SCOPE_TAG);
        // its configuration comes as system properties, which environment variables must not override
        for (Key key : Key.values()) {
            environment.remove(key.environmentVariable());
        }
    }

    /** {@code setsid} runs the watchdog in a new session: no terminal, no process group signals. */
    private static String setsid() {
        for (String path : new String[] {"/usr/bin/setsid", "/bin/setsid"}) {
            if (new File(path).canExecute()) {
                return path;
            }
        }
        return null;
    }
}
