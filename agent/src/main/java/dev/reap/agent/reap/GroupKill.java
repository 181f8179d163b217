package dev.reap.agent.reap;

import java.util.Set;

/**
 * A way to SIGKILL a whole group of processes at once, the KILL rung's fallback for what forks
 * faster than one signal at a time can end (a session's cgroup: {@code cgroup.kill}).
 */
public interface GroupKill {
    /**
     * Kills the whole group, unless it holds a process that must be spared: not among
     * {@code targets} (the PIDs this reaping signals), nor descended from one, or in {@code excluded}.
     */
    void killAll(Set<Long> targets, Set<Long> excluded);
}
