package dev.reap.agent.cli;

import dev.reap.agent.config.Spelling;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar reap-agent.jar <command>}. Exit status: 0 done (nothing left), 1 something
 * survived or could not be signalled, 2 usage or configuration error.
 */
public final class Main {
    public static final int OK = 0;
    public static final int LEFT_SOMETHING = 1;
    public static final int USAGE = 2;
    private static final List<String> COMMANDS = List.of("attach", "list", "sweep", "reap", "run", "ps", "report", "demo",
            "--help", "--version");

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
                return new AttachCommand(out, err).run(rest.length == 1 && (rest[0].equals("--help") || rest[0].equals("-h"))
                        ? rest : concat("--list", rest));
            default:
                String nearest = Spelling.nearest(args[0], COMMANDS);
                err.println("reap-agent: unknown command '" + args[0] + "'; " + (nearest != null ? "did you mean "
                        + nearest + "? " : "") + "accepted: " + String.join(", ", COMMANDS));
                return USAGE;
        }
    }

    private static String[] concat(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
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
