package dev.reap.agent;

import dev.reap.agent.proc.OwnCgroup;
import dev.reap.agent.config.Config;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.SessionCgroup;
import dev.reap.agent.session.Session;

import java.lang.instrument.Instrumentation;

/**
 * The JVM's stay in its session's cgroup: it moves in at set-up, so that every process it spawns
 * from then on is born there; it leaves while the exit reaps (the kernel takes milliseconds to move
 * a process: what it spawns after that is another shutdown hook's), and the cgroup is removed once
 * the reap is done. Being the leaving thread's {@code Runnable} costs no class of its own.
 */
final class CgroupStay implements Runnable {
    private final SessionCgroup cgroup;
    private Thread leaving;

    private CgroupStay(SessionCgroup cgroup) {
        this.cgroup = cgroup;
    }

    /**
     * With {@code reap.cgroup=on}, why this JVM cannot have its session's cgroup, as a
     * configuration mistake's line; else null.
     */
    static String refused(Config config) {
        String why = config.enabled() && config.cgroup() == Config.Cgroup.ON ? OwnCgroup.unavailable() : null;
        return why == null ? null : "reap.cgroup=on, but " + why + "; reap.cgroup=auto runs without one there";
    }

    /**
     * Makes the session's cgroup and moves the JVM in; null when there is none ({@code reap.cgroup=off},
     * or it cannot be had: with {@code reap.cgroup=on} a warning, as start-up checked that one can be made).
     */
    static CgroupStay enter(Config config, Session session, Instrumentation instrumentation) {
        if (config.cgroup() == Config.Cgroup.OFF || !ProcFs.available()) {
            return null;
        }
        SessionCgroup made = SessionCgroup.create(session.id());
        if (made != null) {
            if (made.hidesLimitsFromTheJdk()) {
                JdkContainerMetrics.pin(instrumentation);
            }
            if (made.enter()) {
                AgentRuntime.debug("the session's processes are kept in the cgroup " + made);
                return new CgroupStay(made);
            }
            made.remove();
        }
        String unavailable = OwnCgroup.unavailable();
        String why = "cannot make the session's cgroup" + (made == null ? "" : " " + made) + " and move the JVM in: "
                + (unavailable != null ? unavailable : "the kernel refused the move");
        if (config.cgroup() == Config.Cgroup.ON) {
            Loggers.get(AgentRuntime.class).warn(why);
        } else {
            AgentRuntime.debug(why);
        }
        return null;
    }

    SessionCgroup cgroup() {
        return cgroup;
    }

    /** The exit has begun: the JVM leaves on a thread of its own, while the reap runs. */
    void leaveWhileReaping() {
        leaving = new Thread(this, "reap-agent-cgroup");
        leaving.setDaemon(true);
        leaving.start();
    }

    /** The leaving thread. */
    @Override
    public void run() {
        cgroup.leave();
    }

    /** The reap is done: once the JVM is out, the cgroup goes, what the reap spared moved out first. */
    void removeAfterReap() {
        try {
            leaving.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!cgroup.removeLeavingTheRest()) {
            AgentRuntime.debug("the session's cgroup " + cgroup + " stays: it holds a nested session's, or a process not the session's");
        }
    }
}
