package dev.reap.agent.cli;

import dev.reap.agent.attach.JvmProcess;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.report.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code attach --list}: the JVMs of this user that can be attached to, found from {@code /proc}
 * alone (no JVM is signalled or woken): processes whose executable is a {@code java} launcher,
 * in this PID namespace, not started with {@code -XX:+DisableAttachMechanism} (so the agent's own
 * watchdogs are left out), and not this command.
 */
final class JvmList {
    private final PrintStream out;
    private final PrintStream err;

    JvmList(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(boolean json) {
        if (!ProcFs.available()) {
            err.println("reap-agent attach --list: needs Linux's /proc; nothing to list here");
            return Main.OK;
        }
        long self = ProcessHandle.current().pid();
        long[] ours = ProcFs.userIds(self);
        Table table = new Table("", "PID", "JAVA", "AGENT", "MAIN");
        List<Object> rows = new ArrayList<>();
        int found = 0;
        for (long pid : ProcFs.pids()) {
            if (pid == self || !runsJava(pid)) {
                continue;
            }
            long[] ids = ProcFs.userIds(pid);
            if (ids == null || ours == null || ids[1] != ours[1] || !JvmProcess.inOurPidNamespace(pid)) {
                continue;
            }
            JvmProcess jvm = JvmProcess.of(pid);
            if (jvm == null || jvm.flag("DisableAttachMechanism", false)) {
                continue;
            }
            table.row(pid, jvm.version() == null ? "?" : jvm.version(), jvm.agentJarOpen() ? "loaded" : "-",
                    jvm.mainClass());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("pid", pid);
            row.put("java", jvm.version());
            row.put("agentLoaded", jvm.agentJarOpen());
            row.put("main", jvm.mainClass());
            rows.add(row);
            found++;
        }
        if (json) {
            out.println(Json.write(Map.of("jvms", rows)));
        } else if (found == 0) {
            out.println("no JVM of yours to attach to");
        } else {
            table.print(out);
        }
        return Main.OK;
    }

    /** A cheap first filter: the executable is named {@code java}. */
    private static boolean runsJava(long pid) {
        try {
            return Files.readSymbolicLink(Paths.get("/proc", Long.toString(pid), "exe")).getFileName().toString()
                    .equals("java");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
