package dev.reap.agent.cli;

import dev.reap.agent.Agent;
import dev.reap.agent.AgentRuntime;
import dev.reap.agent.config.Config;
import dev.reap.agent.config.ConfigException;
import dev.reap.agent.config.ConfigLoader;
import dev.reap.agent.log.Log;
import dev.reap.agent.proc.ProcDetails;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.reap.Signaller;
import dev.reap.agent.sweep.StartupSweep;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code run [key=value ...] -- COMMAND ARGS...}: runs any command in a session of its own, as the
 * agent runs a JVM's spawns: tagged, in the session's cgroup where there is one, watched by the
 * watchdog. SIGINT and SIGTERM sent to this command are passed on to it (a SIGINT only when this
 * command is not in its terminal's foreground: there, Ctrl-C reaches the command already, and a
 * second one would cut its own clean-up short). When it ends, this command exits with its status
 * (128 + N for a death by signal N), and the exit reaps whatever it left, with the same ladder,
 * summary and report. JVMs inside that carry the agent join the session's chain.
 */
final class RunCommand {
    static final String USAGE = "run [key=value ...] -- COMMAND [ARGS...]";
    /** The shell's status for a command that cannot be run. */
    private static final int CANNOT_RUN = 127;

    private final PrintStream out;
    private final PrintStream err;

    RunCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) {
        int dashes = Arrays.asList(args).indexOf("--");
        List<String> options = Arrays.asList(args).subList(0, dashes < 0 ? args.length : dashes);
        if (options.contains("--help") || options.contains("-h")) {
            out.print(help());
            return Main.OK;
        }
        if (dashes < 0 || dashes == args.length - 1) {
            err.println("reap-agent run: " + (dashes < 0 ? "no '--' before the command" : "no command after '--'")
                    + "; accepted: " + USAGE);
            return Main.USAGE;
        }
        for (String option : options) {
            if (option.indexOf('=') <= 0) {
                err.println("reap-agent run: '" + option + "' is not key=value; accepted: " + USAGE
                        + " (keys as for the agent: grace=5s, report=target/reap.json, ...)");
                return Main.USAGE;
            }
        }
        ConfigLoader loader;
        Config config;
        try {
            loader = ConfigLoader.forRunArguments(String.join(",", options));
            config = loader.load(System.getProperties(), System.getenv());
        } catch (ConfigException e) {
            err.println("reap-agent run: " + e.getMessage());
            return Main.USAGE;
        }
        String refused = AgentRuntime.cgroupRefused(config);
        if (refused != null) {
            err.println("reap-agent run: " + refused);
            return Main.USAGE;
        }
        Log.setLevel(config.log());
        List<String> command = new ArrayList<>(Arrays.asList(args).subList(dashes + 1, args.length));
        return runInSession(config, loader, command);
    }

    private int runInSession(Config config, ConfigLoader loader, List<String> command) {
        AgentRuntime session = AgentRuntime.forCommand(config, loader, Agent.jar());
        if (config.sweep()) {
            StartupSweep.start(config);
        }
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        Map<String, String> tagged = session.apply(new HashMap<>(builder.environment()));
        builder.environment().clear();
        builder.environment().putAll(tagged);
        // set before the start: a signal that comes while the command starts is passed on once it has
        Forwarder forwarder = new Forwarder();
        Signal.handle(new Signal("TERM"), forwarder);
        Signal.handle(new Signal("INT"), forwarder);
        Process child;
        try {
            child = builder.start();
        } catch (IOException e) {
            err.println("reap-agent run: cannot run '" + command.get(0) + "': " + e.getMessage());
            return CANNOT_RUN;
        }
        session.accept(child, builder);
        forwarder.started(child);
        while (true) {
            try {
                // the exit hook reaps what it left; the status passes through
                return child.waitFor();
            } catch (InterruptedException e) {
                // not ours to end: only its end ends this command
            }
        }
    }

    /** Passes SIGTERM, and SIGINT outside a terminal's foreground, on to the command. */
    private static final class Forwarder implements SignalHandler {
        /** Guarded by this. */
        private Process child;
        private final List<Signal> early = new ArrayList<>();

        synchronized void started(Process started) {
            child = started;
            for (Signal signal : early) {
                forward(signal);
            }
            early.clear();
        }

        @Override
        public synchronized void handle(Signal signal) {
            if (signal.getName().equals("INT") && ProcDetails.inTerminalForeground()) {
                return;
            }
            if (child == null) {
                early.add(signal);
            } else {
                forward(signal);
            }
        }

        private void forward(Signal signal) {
            dev.reap.agent.reap.Signal ours = dev.reap.agent.reap.Signal.parse(signal.getName());
            if (!Signaller.sendOnce(ours, child.pid()) && ours == dev.reap.agent.reap.Signal.TERM) {
                child.destroy();
            }
        }
    }

    private static String help() {
        return String.join(System.lineSeparator(),
                "usage: java -jar reap-agent.jar " + USAGE,
                "",
                "Runs COMMAND in an agent session of its own: it and everything it starts carry",
                "the session's tag (and sit in its cgroup where Linux allows one, reap.cgroup);",
                "when COMMAND ends, whatever it left is ended with the ladder (SIGINT, the grace,",
                "SIGTERM, SIGKILL) and summarised on stderr. JVMs inside that carry the agent",
                "join the session; the watchdog ends it all if this command is killed.",
                "",
                "  key=value    the agent's keys (grace=5s, report=target/reap-run.json, cgroup=on, ...)",
                "",
                "SIGTERM is passed on to COMMAND, and SIGINT too unless this runs in a terminal's",
                "foreground (Ctrl-C reaches COMMAND there already).",
                "Exit status: COMMAND's (128+N when signal N ended it); 127 when it cannot be run;",
                "2 usage or configuration error.",
                "");
    }
}
