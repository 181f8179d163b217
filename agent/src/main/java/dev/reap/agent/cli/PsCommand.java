package dev.reap.agent.cli;

import dev.reap.agent.proc.ProcClock;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.report.Json;
import dev.reap.agent.session.Session;
import dev.reap.agent.sweep.SessionScan;
import dev.reap.agent.sweep.TaggedProcess;
import dev.reap.agent.watchdog.WatchdogMain;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code ps}: the agent sessions on this machine, live or dead, found by the tags their processes
 * carry and by their watchdogs, with each session's tagged processes.
 */
final class PsCommand {
    static final String USAGE = "ps [--json]";
    private static final String WATCHDOG_MAIN = WatchdogMain.class.getName() + " ";
    private static final Set<String> FLAGS = new LinkedHashSet<>(List.of("--json", "--help"));

    private final PrintStream out;
    private final PrintStream err;

    PsCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) {
        Arguments parsed;
        try {
            parsed = Arguments.parse("ps", args, FLAGS, List.of());
        } catch (Arguments.UsageException e) {
            err.println("reap-agent " + e.getMessage());
            return Main.USAGE;
        }
        if (parsed.flag("--help")) {
            out.print(help());
            return Main.OK;
        }
        if (!ProcFs.available()) {
            err.println("reap-agent ps: needs Linux's /proc; nothing to list here");
            return Main.OK;
        }
        SessionScan scan = SessionScan.now(ProcessHandle.current().pid());
        Map<String, Long> watchdogs = watchdogs(scan);
        Set<String> sessions = new LinkedHashSet<>(scan.byOwner().keySet());
        sessions.addAll(watchdogs.keySet());
        if (parsed.flag("--json")) {
            printJson(scan, sessions, watchdogs);
        } else {
            printTable(scan, sessions, watchdogs);
        }
        return Main.OK;
    }

    /** Watchdogs by the session they guard, from their command lines. */
    private static Map<String, Long> watchdogs(SessionScan scan) {
        Map<String, Long> found = new LinkedHashMap<>();
        for (ProcStat stat : scan.table().all()) {
            String line = ProcFs.commandLine(stat.pid());
            int at = line == null ? -1 : line.indexOf(WATCHDOG_MAIN);
            if (at >= 0 && !stat.exited()) {
                found.put(line.substring(at + WATCHDOG_MAIN.length()).trim(), stat.pid());
            }
        }
        return found;
    }

    private void printTable(SessionScan scan, Set<String> sessions, Map<String, Long> watchdogs) {
        if (sessions.isEmpty()) {
            out.println("no agent sessions: no process carries " + Session.TAG + " and no watchdog runs");
            return;
        }
        double uptime = ProcClock.uptimeSeconds();
        for (String id : sessions) {
            List<TaggedProcess> processes = scan.byOwner().getOrDefault(id, List.of());
            Session session = Session.parse(id);
            out.println("session " + id + "  jvm " + (session == null ? "?" : session.pid())
                    + "  " + scan.judge(id) + "  watchdog " + (watchdogs.containsKey(id) ? watchdogs.get(id) : "-")
                    + "  " + processes.size() + (processes.size() == 1 ? " process" : " processes"));
            if (!processes.isEmpty()) {
                Table table = new Table("  ", "PID", "AGE", "COMMAND");
                for (TaggedProcess p : processes) {
                    table.row(p.pid(), Table.age(p.startTicks(), uptime), Table.command(p.commandLine(), 100));
                }
                table.print(out);
            }
        }
    }

    private void printJson(SessionScan scan, Set<String> sessions, Map<String, Long> watchdogs) {
        double uptime = ProcClock.uptimeSeconds();
        List<Object> list = new ArrayList<>();
        for (String id : sessions) {
            Session session = Session.parse(id);
            SessionScan.Verdict verdict = scan.judge(id);
            List<Object> processes = new ArrayList<>();
            for (TaggedProcess p : scan.byOwner().getOrDefault(id, List.of())) {
                Map<String, Object> process = new LinkedHashMap<>();
                process.put("pid", p.pid());
                process.put("ageSeconds", Table.ageSeconds(p.startTicks(), uptime));
                process.put("command", p.commandLine());
                process.put("chain", String.join(Session.SEPARATOR, p.chain()));
                processes.add(process);
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", id);
            entry.put("pid", session == null ? null : session.pid());
            entry.put("alive", verdict == SessionScan.Verdict.LIVE ? Boolean.TRUE
                    : verdict == SessionScan.Verdict.DEAD ? Boolean.FALSE : null);
            entry.put("state", verdict.name().toLowerCase(Locale.ROOT));
            entry.put("watchdog", watchdogs.get(id));
            entry.put("processes", processes);
            list.add(entry);
        }
        out.print(Json.write(Map.of("sessions", list)));
    }

    static String help() {
        return String.join(System.lineSeparator(),
                "usage: java -jar reap-agent.jar " + USAGE,
                "",
                "Lists the agent sessions on this machine, live or dead, found by the " + Session.TAG,
                "tags their processes carry and by their watchdogs, and each session's processes",
                "(this user's only). A DEAD session's processes are what `sweep` ends. A session",
                "of another PID or time namespace (a container) is shown as such: only a process",
                "that sees the same PIDs and start times can tell whether its JVM lives.",
                "",
                "  --json    the same, as JSON",
                "");
    }
}
