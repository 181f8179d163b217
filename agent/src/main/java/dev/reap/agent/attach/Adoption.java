package dev.reap.agent.attach;

import dev.reap.agent.proc.ProcClock;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.proc.ProcessTable;
import dev.reap.agent.session.Adopted;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a JVM had spawned before the agent was attached to it: its live children and their
 * descendants, found from one snapshot of the process table. They carry no session tag, so a
 * process that had already left the tree (a {@code setsid} daemon whose parent exited) cannot be
 * found: the README says so.
 */
public final class Adoption {
    private Adoption() {
    }

    /** The live children of this JVM and their descendants, parents before children. */
    public static List<Adopted> ofThisJvm() {
        return ProcFs.available() ? fromProc() : fromHandles();
    }

    private static List<Adopted> fromProc() {
        ProcStat self = ProcFs.self();
        List<Adopted> found = new ArrayList<>();
        if (self == null) {
            return found;
        }
        ProcessTable table = ProcessTable.snapshot();
        long jvmStart = ProcClock.jvmStartTicks();
        for (ProcStat child : table.childrenOf(self.pid())) {
            // one older than the JVM was started by the shell that exec'd java: not the JVM's
            if (child.exited() || child.startTicks() <= jvmStart) {
                continue;
            }
            found.add(adopted(child, true));
            for (ProcStat d : table.descendantsOf(child.pid(), child.startTicks())) {
                if (!d.exited()) {
                    found.add(adopted(d, false));
                }
            }
        }
        return found;
    }

    private static Adopted adopted(ProcStat stat, boolean directChild) {
        return new Adopted(stat.pid(), stat.startTicks(), stat.parentPid(), directChild,
                ProcFs.commandLine(stat.pid()), ProcClock.epochMillis(stat.startTicks()), null);
    }

    private static List<Adopted> fromHandles() {
        List<Adopted> found = new ArrayList<>();
        if (ProcFs.showsAnotherPidNamespace()) {
            // the JDK's descendants() reads that /proc, whose PIDs are not this namespace's
            return found;
        }
        long self = ProcessHandle.current().pid();
        ProcessHandle.current().descendants().forEach(handle -> {
            ProcessHandle.Info info = handle.info();
            Optional<ProcessHandle> parent = handle.parent();
            long parentPid = parent.map(ProcessHandle::pid).orElse(0L);
            found.add(new Adopted(handle.pid(), -1, parentPid, parentPid == self, info.commandLine().orElse(null),
                    info.startInstant().map(java.time.Instant::toEpochMilli).orElse(-1L), handle));
        });
        return found;
    }
}
