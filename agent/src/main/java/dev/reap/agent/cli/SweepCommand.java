package dev.reap.agent.cli;

import dev.reap.agent.config.Config;
import dev.reap.agent.proc.ProcClock;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.reap.Outcome;
import dev.reap.agent.reap.ReapResult;
import dev.reap.agent.reap.Target;
import dev.reap.agent.report.Json;
import dev.reap.agent.report.Reaping;
import dev.reap.agent.session.Session;
import dev.reap.agent.sweep.SessionScan;
import dev.reap.agent.sweep.Sweep;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code sweep}: the post-mortem reaper, for when even the watchdog could not run. Reaps the
 * leftovers of dead sessions of this user (and, with {@code --cwd} and {@code --match}, untagged
 * orphans), with the agent's ladder. Exit status: 0 nothing found or all ended politely, 1 SIGKILL
 * was needed, something survived, or (with {@code --dry-run}) something was found; 2 usage.
 */
final class SweepCommand {
    static final String USAGE = "sweep [--dry-run] [--grace D] [--session ID] [--cwd DIR --match REGEX] [--json]";
    private static final Set<String> FLAGS = new LinkedHashSet<>(List.of("--dry-run", "--json", "--help"));
    private static final List<String> OPTIONS = List.of("--grace", "--session", "--cwd", "--match");

    private final PrintStream out;
    private final PrintStream err;

    SweepCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) {
        try {
            return sweep(Arguments.parse("sweep", args, FLAGS, OPTIONS));
        } catch (Arguments.UsageException e) {
            err.println("reap-agent " + e.getMessage());
            return Main.USAGE;
        }
    }

    private int sweep(Arguments args) throws Arguments.UsageException {
        if (args.flag("--help")) {
            out.print(help());
            return Main.OK;
        }
        Config config = args.config("sweep");
        String session = args.value("--session");
        if (session != null && Session.parse(session) == null) {
            throw new Arguments.UsageException("sweep: --session '" + session
                    + "' is not a session id; accepted: <pid>-<start>-<namespace>, as `ps` lists them");
        }
        Path cwd = args.value("--cwd") == null ? null : Paths.get(args.value("--cwd"));
        Pattern match = pattern(args.value("--match"));
        if ((cwd == null) != (match == null)) {
            throw new Arguments.UsageException("sweep: --cwd and --match go together (orphans under DIR whose command line matches REGEX)");
        }
        if (cwd != null && !Files.isDirectory(cwd)) {
            throw new Arguments.UsageException("sweep: --cwd '" + cwd + "' is not a directory");
        }
        if (!ProcFs.available()) {
            err.println("reap-agent sweep: needs Linux's /proc; nothing to do here");
            return Main.OK;
        }

        long self = ProcessHandle.current().pid();
        SessionScan scan = SessionScan.deadSessions(self);
        SessionScan.Verdict verdict = session == null ? null : scan.judge(session);
        if (verdict == SessionScan.Verdict.LIVE) {
            throw new Arguments.UsageException("sweep: session " + session
                    + " is alive; its own JVM reaps its processes when it ends");
        }
        if (verdict == SessionScan.Verdict.OTHER_NAMESPACE || verdict == SessionScan.Verdict.UNKNOWN) {
            throw new Arguments.UsageException("sweep: session " + session + (verdict == SessionScan.Verdict.UNKNOWN
                    ? " cannot be judged from its id (no namespace in it, or a PID no JVM of it can have had)"
                    : " belongs to another PID or time namespace (a container?); run sweep inside it")
                    + "; nothing was signalled");
        }
        List<Target> found = new ArrayList<>(Sweep.leftovers(scan, session));
        if (cwd != null) {
            for (Target t : Sweep.orphans(scan, cwd, match, self)) {
                if (found.stream().noneMatch(f -> f.pid() == t.pid())) {
                    found.add(t);
                }
            }
        }
        Reaping reaping = Reaping.ofCommand(config, found);
        List<Target> targets = reaping.targets();
        boolean json = args.flag("--json");
        if (args.flag("--dry-run")) {
            print(targets, null, json, true);
            return targets.isEmpty() ? Main.OK : Main.LEFT_SOMETHING;
        }
        ReapResult result = reaping.reap(null);
        Sweep.removeDeadCgroups(scan, session);
        print(targets, result, json, false);
        return result.neededForce() ? Main.LEFT_SOMETHING : Main.OK;
    }

    private static Pattern pattern(String regex) throws Arguments.UsageException {
        if (regex == null) {
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new Arguments.UsageException("sweep: --match '" + regex + "' is not a regular expression: "
                    + e.getDescription());
        }
    }

    private void print(List<Target> targets, ReapResult result, boolean json, boolean dryRun) {
        double uptime = ProcClock.uptimeSeconds();
        if (json) {
            List<Object> processes = new ArrayList<>();
            for (Target t : targets) {
                Outcome o = result == null ? null : result.of(t.pid());
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("pid", t.pid());
                p.put("session", t.origin().session());
                p.put("origin", t.origin().kindName());
                p.put("ageSeconds", Table.ageSeconds(t.startTicks(), uptime));
                p.put("command", t.commandLine());
                p.put("outcome", o == null ? null : outcome(o));
                processes.add(p);
            }
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("dryRun", dryRun);
            report.put("processes", processes);
            out.print(Json.write(report));
            return;
        }
        if (targets.isEmpty()) {
            out.println("nothing to sweep: no process of a dead session" + (dryRun ? "" : " was found"));
            return;
        }
        Table table = result == null
                ? new Table("", "PID", "SESSION", "AGE", "COMMAND")
                : new Table("", "PID", "SESSION", "AGE", "OUTCOME", "COMMAND");
        for (Target t : targets) {
            String owner = t.origin().session() != null ? t.origin().session() : "(orphan)";
            String age = Table.age(t.startTicks(), uptime);
            String command = Table.command(t.commandLine(), 100);
            if (result == null) {
                table.row(t.pid(), owner, age, command);
            } else {
                table.row(t.pid(), owner, age, outcome(result.of(t.pid())), command);
            }
        }
        table.print(out);
        out.println(dryRun ? "dry run: " + targets.size() + " found, nothing was signalled"
                : "swept " + targets.size() + (targets.size() == 1 ? " process" : " processes") + " in "
                        + result.elapsedMillis() + " ms");
    }

    static String outcome(Outcome o) {
        switch (o.kind()) {
            case ENDED:
                return "ended on " + o.signal().fullName();
            case SURVIVED:
                return "SURVIVED";
            case GONE:
                return "already gone";
            default:
                return "excluded";
        }
    }

    static String help() {
        return String.join(System.lineSeparator(),
                "usage: java -jar reap-agent.jar " + USAGE,
                "",
                "Ends what dead agent sessions of this user left behind: processes tagged with a",
                "session whose JVM is gone (killed with -9 before its watchdog could act, say).",
                "Processes of live sessions and of other users are never touched.",
                "",
                "  --dry-run        list, signal nothing (exit 1 when something is found)",
                "  --grace D        each polite rung's grace (default: reap.grace, 3s)",
                "  --session ID     only the processes of this dead session (ids as `ps` lists them)",
                "  --cwd DIR --match REGEX",
                "                   also untagged orphans (parent PID 1 or a subreaper) working under",
                "                   DIR whose command line REGEX finds",
                "  --json           the same, as JSON",
                "",
                "Exit status: 0 nothing found or all ended politely, 1 SIGKILL was needed or something",
                "survived, 2 usage error.",
                "");
    }
}
