package dev.reap.agent.cli;

import dev.reap.agent.config.Config;
import dev.reap.agent.proc.ProcClock;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.proc.ProcessTable;
import dev.reap.agent.reap.Origin;
import dev.reap.agent.reap.Outcome;
import dev.reap.agent.reap.ReapResult;
import dev.reap.agent.reap.Target;
import dev.reap.agent.report.Json;
import dev.reap.agent.report.Reaping;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code reap --parent PID}: ends the descendants of a live process (not the process itself), with
 * the agent's ladder, for a CI step whose tool hangs or a developer's shell. Only processes of this
 * user are signalled, never this command's own JVM, the processes between it and PID, nor one
 * reading what it writes (the rest of its pipeline). Exit
 * status: 0 nothing found or all ended politely, 1 SIGKILL was needed, something survived, or
 * (with {@code --dry-run}) something was found; 2 usage.
 */
final class ReapCommand {
    static final String USAGE = "reap --parent PID [--grace D] [--dry-run] [--json]";
    private static final Set<String> FLAGS = new LinkedHashSet<>(List.of("--dry-run", "--json", "--help"));
    private static final List<String> OPTIONS = List.of("--parent", "--grace");

    private final PrintStream out;
    private final PrintStream err;

    ReapCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) {
        try {
            return reap(Arguments.parse("reap", args, FLAGS, OPTIONS));
        } catch (Arguments.UsageException e) {
            err.println("reap-agent " + e.getMessage());
            return Main.USAGE;
        }
    }

    private int reap(Arguments args) throws Arguments.UsageException {
        if (args.flag("--help")) {
            out.print(help());
            return Main.OK;
        }
        Config config = args.config("reap");
        String text = args.value("--parent");
        long parent = text == null ? -1 : ProcStat.parseLong(text.trim(), 0, text.trim().length());
        if (parent <= 0) {
            throw new Arguments.UsageException("reap: " + (text == null ? "--parent PID is required"
                    : "--parent '" + text + "' is not a PID") + "; accepted: the PID of a live process of yours");
        }
        if (!ProcFs.available()) {
            err.println("reap-agent reap: needs Linux's /proc; nothing was signalled");
            return Main.LEFT_SOMETHING;
        }
        ProcStat root = ProcFs.stat(parent);
        if (root == null || root.exited()) {
            throw new Arguments.UsageException("reap: no live process " + parent + "; nothing was signalled");
        }
        if (parent <= 2) {
            throw new Arguments.UsageException("reap: --parent " + parent + " is the system's own (every process"
                    + " descends from it); name the process whose descendants you mean");
        }
        if (!ProcFs.sameUser(ProcFs.ownUserIds(), ProcFs.userIds(parent))) {
            throw new Arguments.UsageException("reap: process " + parent + " is another user's; nothing was signalled");
        }
        Descendants descendants = new Descendants(root);
        Reaping reaping = Reaping.ofCommand(config, descendants.get()).lookingAgainWith(descendants);
        boolean json = args.flag("--json");
        if (args.flag("--dry-run")) {
            print(parent, reaping.targets(), null, json, true);
            return reaping.targets().isEmpty() ? Main.OK : Main.LEFT_SOMETHING;
        }
        ReapResult result = reaping.reap(null);
        print(parent, reaping.targets(), result, json, false);
        return result.neededForce() ? Main.LEFT_SOMETHING : Main.OK;
    }

    /**
     * The live descendants of the root that are this user's, without this JVM and the processes
     * between the root and it (a shell running this command); looked for again after each rung.
     */
    private static final class Descendants implements Supplier<List<Target>> {
        private final ProcStat root;
        private final Set<Long> spared = new HashSet<>();
        private final long[] mine = ProcFs.ownUserIds();
        private final long self = ProcFs.selfPid();
        /** The pipes this command writes to: a process reading one (`| tee`, `| jq`) is the command's partner. */
        private final Set<String> ourPipes = new HashSet<>();

        Descendants(ProcStat root) {
            this.root = root;
            for (ProcStat p = ProcFs.self(); p != null && p.pid() != root.pid() && p.pid() > 1;
                 p = ProcFs.stat(p.parentPid())) {
                spared.add(p.pid());
            }
            for (String fd : new String[] {"1", "2"}) {
                String pipe = pipe(self, fd);
                if (pipe != null) {
                    ourPipes.add(pipe);
                }
            }
        }

        /** The pipe {@code pid}'s descriptor {@code fd} is, or null. */
        private static String pipe(long pid, String fd) {
            try {
                String link = Files.readSymbolicLink(Paths.get("/proc/" + pid + "/fd/" + fd)).toString();
                return link.startsWith("pipe:") ? link : null;
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        @Override
        public List<Target> get() {
            ProcessTable table = ProcessTable.snapshot();
            List<Target> found = new ArrayList<>();
            Origin origin = Origin.descendantOf(root.pid());
            for (ProcStat d : table.descendantsOf(root.pid(), root.startTicks())) {
                // this JVM's own children are its kill helpers
                if (!d.exited() && !spared.contains(d.pid()) && d.parentPid() != self
                        && !ourPipes.contains(String.valueOf(pipe(d.pid(), "0")))
                        && ProcFs.sameUser(mine, ProcFs.userIds(d.pid()))) {
                    found.add(Target.proc(d.pid(), d.startTicks(), ProcFs.commandLine(d.pid()), origin));
                }
            }
            return found;
        }
    }

    private void print(long parent, List<Target> targets, ReapResult result, boolean json, boolean dryRun) {
        double uptime = ProcClock.uptimeSeconds();
        if (json) {
            List<Object> processes = new ArrayList<>();
            for (Target t : targets) {
                Outcome o = result == null ? null : result.of(t.pid());
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("pid", t.pid());
                p.put("ageSeconds", Table.ageSeconds(t.startTicks(), uptime));
                p.put("command", t.commandLine());
                p.put("outcome", o == null ? null : SweepCommand.outcome(o));
                processes.add(p);
            }
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("parent", parent);
            report.put("dryRun", dryRun);
            report.put("processes", processes);
            out.print(Json.write(report));
            return;
        }
        if (targets.isEmpty()) {
            out.println("nothing to reap: process " + parent + " has no descendant of yours");
            return;
        }
        Table table = result == null ? new Table("", "PID", "AGE", "COMMAND") : new Table("", "PID", "AGE", "OUTCOME", "COMMAND");
        for (Target t : targets) {
            String age = Table.age(t.startTicks(), uptime);
            String command = Table.command(t.commandLine(), 100);
            if (result == null) {
                table.row(t.pid(), age, command);
            } else {
                table.row(t.pid(), age, SweepCommand.outcome(result.of(t.pid())), command);
            }
        }
        table.print(out);
        out.println(dryRun ? "dry run: " + targets.size() + " found, nothing was signalled"
                : "reaped " + targets.size() + (targets.size() == 1 ? " process" : " processes") + " under "
                        + parent + " in " + result.elapsedMillis() + " ms");
    }

    static String help() {
        return String.join(System.lineSeparator(),
                "usage: java -jar reap-agent.jar " + USAGE,
                "",
                "Ends the descendants of a live process of yours (not the process itself) with the",
                "agent's ladder: SIGINT, a grace, SIGTERM, a grace, SIGKILL; what they fork meanwhile",
                "too. For a CI step whose tool hangs, or a shell's leftovers. Only your own processes",
                "are signalled, never this command nor the processes between PID and it.",
                "",
                "  --parent PID     whose descendants",
                "  --dry-run        list, signal nothing (exit 1 when something is found)",
                "  --grace D        each polite rung's grace (default: reap.grace, 3s)",
                "  --json           the same, as JSON",
                "",
                "Exit status: 0 nothing found or all ended politely, 1 SIGKILL was needed or something",
                "survived, 2 usage error.",
                "");
    }
}
