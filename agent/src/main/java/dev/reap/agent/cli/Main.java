package dev.reap.agent.cli;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * {@code java -jar reap-agent.jar <command>}. Exit status: 0 done (nothing left), 1 something
 * survived or could not be signalled, 2 usage or configuration error.
 */
public final class Main {
    public static final int OK = 0;
    public static final int LEFT_SOMETHING = 1;
    public static final int USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println("reap-agent: no command given; try: java -jar reap-agent.jar --help");
            return USAGE;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "--help":
            case "-h":
            case "help":
                out.print(usage());
                return OK;
            case "--version":
            case "version":
                out.println("reap-agent " + version());
                return OK;
            case "demo":
                return new Demo(out, err).run(rest);
            case "sweep":
                return new SweepCommand(out, err).run(rest);
            case "reap":
                return new ReapCommand(out, err).run(rest);
            case "run":
                return new RunCommand(out, err).run(rest);
            case "ps":
                return new PsCommand(out, err).run(rest);
            case "attach":
                return new AttachCommand(out, err).run(rest);
            case "report":
                return new ReportCommand(out, err).run(rest);
            case "list":
                return new AttachCommand(out, err).run(new String[] {"--list"});
            default:
                err.println("reap-agent: unknown command '" + args[0] + "'; accepted: attach, list, sweep, reap, run, ps, report, demo, --help, --version");
                return USAGE;
        }
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : "(development build)";
    }

    static String usage() {
        return String.join(System.lineSeparator(),
                "reap-agent " + version() + ": nothing a JVM spawned outlives it.",
                "",
                "As an agent:",
                "  java -javaagent:reap-agent.jar[=key=value,...] ...",
                "  keys: grace, signals, enabled, watchdog, sweep, exclude, log, report, stacks, leaks, scope, tag, cgroup",
                "  (also as -Dreap.<key>=... or REAP_<KEY>=...; see the README)",
                "",
                "Commands:",
                "  " + AttachCommand.USAGE,
                "               load the agent into a running JVM of yours: it adopts what the JVM",
                "               spawned before and reaps everything at its end; --help for more",
                "  list         the same as attach --list",
                "  " + SweepCommand.USAGE,
                "               end what dead sessions left behind (this user's processes tagged",
                "               with a session whose JVM is gone); --help for the options",
                "  " + ReapCommand.USAGE,
                "               end the descendants of a live process of yours (a hung CI step's",
                "               tool, a shell's leftovers) with the same ladder; --help for more",
                "  " + RunCommand.USAGE,
                "               run any command (a build, a script) in a session of its own and end",
                "               what it leaves when it ends; its exit status passes through",
                "  " + PsCommand.USAGE,
                "               the agent sessions on this machine, live or dead, and their processes",
                "  " + ReportCommand.USAGE,
                "               summarise reap.report files (exit 1 when something needed SIGKILL)",
                "  demo         start a JVM with the agent that spawns a few processes, end it,",
                "               and show what was reaped and that nothing survived",
                "  --help       this text",
                "  --version    the agent's version",
                "",
                "Exit status: 0 done, 1 something survived (attach: the JVM could not take the agent),",
                "2 usage or configuration error.",
                "");
    }
}
