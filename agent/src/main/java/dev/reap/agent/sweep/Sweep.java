package dev.reap.agent.sweep;

import dev.reap.agent.proc.OwnCgroup;
import dev.reap.agent.proc.ProcEnviron;
import dev.reap.agent.proc.ProcDetails;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.proc.SessionCgroup;
import dev.reap.agent.reap.Origin;
import dev.reap.agent.reap.Target;
import dev.reap.agent.session.Session;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a sweep may reap: the leftovers of dead sessions (processes of this user whose owning
 * session's JVM is gone), and, only when asked, untagged orphans found by the heuristic of the
 * original reaper's {@code find_orphans}. Never a process of a live session or of another user.
 */
public final class Sweep {
    /** Where orphans land: PID 1, or a subreaper; these are the usual subreapers' names. */
    private static final long EMPTY_CGROUP_MILLIS = 60_000;
    private static final List<String> ADOPTERS = List.of("systemd", "init", "tini", "dumb-init", "docker-init", "catatonit");

    private Sweep() {
    }

    /**
     * Leftovers of dead sessions, tagged or in their cgroup ({@link dev.reap.agent.proc.OwnCgroup#sessionCgroupsBeside}); of
     * {@code onlySession} alone when it is not null.
     */
    public static List<Target> leftovers(SessionScan scan, String onlySession) {
        List<Target> targets = new ArrayList<>();
        Set<Long> listed = new HashSet<>();
        for (Map.Entry<String, List<TaggedProcess>> e : scan.byOwner().entrySet()) {
            String owner = e.getKey();
            if (onlySession != null && !onlySession.equals(owner)) {
                continue;
            }
            for (TaggedProcess p : e.getValue()) {
                if (scan.leftover(p) && listed.add(p.pid())) {
                    targets.add(Target.proc(p.pid(), p.startTicks(), p.commandLine(), Origin.leftoverOf(owner)));
                }
            }
        }
        for (SessionCgroup cgroup : deadCgroups(scan, onlySession)) {
            for (long pid : cgroup.members()) {
                ProcStat stat = scan.table().get(pid);
                if (stat != null && !stat.exited() && cgroup.holdsAsItsOwn(stat) && listed.add(pid)) {
                    targets.add(Target.proc(pid, stat.startTicks(), ProcFs.commandLine(pid),
                            Origin.leftoverOf(cgroup.sessionId())));
                }
            }
        }
        return targets;
    }

    /**
     * Removes the cgroups of dead sessions, after a sweep's reap: what it left alone is moved out of
     * them first. An empty one is removed whatever its session (one of another namespace cannot be
     * judged from here, and removing an empty cgroup touches no process) once it is a minute old: a
     * live session's cgroup is empty only in the moment between its making and its JVM's move in.
     */
    public static void removeDeadCgroups(SessionScan scan, String onlySession) {
        for (SessionCgroup cgroup : deadCgroups(scan, onlySession)) {
            cgroup.removeLeavingTheRest();
        }
        ProcStat self = ProcFs.self();
        for (SessionCgroup cgroup : self == null || onlySession != null ? List.<SessionCgroup>of()
                : OwnCgroup.sessionCgroupsBeside(self.pid(), self.startTicks())) {
            if (cgroup.olderThanMillis(EMPTY_CGROUP_MILLIS) && cgroup.members().isEmpty()) {
                cgroup.remove();
            }
        }
    }

    private static List<SessionCgroup> deadCgroups(SessionScan scan, String onlySession) {
        List<SessionCgroup> dead = new ArrayList<>();
        ProcStat self = ProcFs.self();
        if (self == null) {
            return dead;
        }
        for (SessionCgroup cgroup : OwnCgroup.sessionCgroupsBeside(self.pid(), self.startTicks())) {
            String id = cgroup.sessionId();
            if ((onlySession == null || onlySession.equals(id)) && Session.parse(id) != null
                    && scan.judge(id) == SessionScan.Verdict.DEAD) {
                dead.add(cgroup);
            }
        }
        return dead;
    }

    /**
     * Untagged leftovers, by heuristic: orphans (parent PID 1 or a subreaper) of this user, whose
     * working directory is {@code under} or below it and whose command line {@code match} finds.
     * Processes tagged with a live session are left to it.
     */
    public static List<Target> orphans(SessionScan scan, Path under, Pattern match, long self) {
        List<Target> targets = new ArrayList<>();
        Path root = under.toAbsolutePath().normalize();
        long[] mine = ProcFs.userIds(self);
        for (ProcStat stat : scan.table().all()) {
            if (stat.pid() == self || stat.exited() || !orphaned(stat)) {
                continue;
            }
            String commandLine = ProcFs.commandLine(stat.pid());
            Path cwd = ProcDetails.workingDirectory(stat.pid());
            long[] ids = ProcFs.userIds(stat.pid());
            if (commandLine == null || cwd == null || !ProcFs.sameUser(mine, ids)
                    || !cwd.normalize().startsWith(root) || !match.matcher(commandLine).find()) {
                continue;
            }
            // a tagged process is its session's; an orphan only when that session is known dead
            List<String> chain = Session.chainOf(ProcEnviron.variable(stat.pid(), Session.TAG));
            if (chain != null && scan.alive(chain.get(chain.size() - 1))) {
                continue;
            }
            targets.add(Target.proc(stat.pid(), stat.startTicks(), commandLine, Origin.orphan()));
        }
        return targets;
    }

    private static boolean orphaned(ProcStat stat) {
        if (stat.parentPid() == 1) {
            return true;
        }
        String parent = ProcDetails.name(stat.parentPid());
        return parent != null && ADOPTERS.contains(parent);
    }
}
