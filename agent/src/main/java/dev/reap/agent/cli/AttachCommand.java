package dev.reap.agent.cli;

import dev.reap.agent.Agent;
import dev.reap.agent.attach.HotSpotAttach;
import dev.reap.agent.attach.JvmProcess;
import dev.reap.agent.config.ConfigException;
import dev.reap.agent.config.ConfigLoader;
import dev.reap.agent.proc.ProcDetails;
import dev.reap.agent.proc.ProcFs;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.Properties;

/**
 * {@code attach <pid> [key=value ...]}: loads the agent into a running JVM of this user, which
 * then hooks its spawns and adopts what it spawned before. Everything that can be checked from
 * {@code /proc} is checked before the JVM is touched, so a mistake costs the target nothing.
 *
 * <p>Exit status: 0 attached (or the agent was there already); 1 the JVM could not take the agent
 * (attach disabled in it, it did not answer, its JDK cannot run the agent, the agent failed to
 * start in it); 2 a usage mistake: a bad option, or a PID that is not a JVM of this user in this
 * PID namespace.
 */
final class AttachCommand {
    static final String USAGE = "attach <pid> [key=value ...] | attach --list [--json]";
    /** The oldest JDK the agent's classes run on (they are compiled for 11). */
    private static final int OLDEST_JDK = 11;
    /** JEP 451: from this JDK on, loading an agent into a running JVM prints a warning. */
    private static final int WARNS_ON_DYNAMIC_AGENTS = 21;

    private final PrintStream out;
    private final PrintStream err;

    AttachCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** A reason not to attach: one line for stderr, and the exit status. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    int run(String[] args) {
        if (args.length == 0) {
            err.println("reap-agent attach: no PID given; usage: " + USAGE);
            return Main.USAGE;
        }
        if (args[0].equals("--help") || args[0].equals("-h")) {
            out.print(help());
            return Main.OK;
        }
        if (args[0].equals("--list")) {
            boolean json = args.length == 2 && args[1].equals("--json");
            if (args.length > 1 && !json) {
                err.println("reap-agent attach: --list takes only --json; got '" + args[1] + "'");
                return Main.USAGE;
            }
            return new JvmList(out, err).run(json);
        }
        try {
            return attach(args);
        } catch (Refusal r) {
            err.println("reap-agent attach: " + r.getMessage());
            return r.status;
        }
    }

    private int attach(String[] args) throws Refusal {
        long started = System.nanoTime();
        long pid = parsePid(args[0]);
        String options = String.join(",", java.util.Arrays.asList(args).subList(1, args.length));
        validate(options);
        if (!ProcFs.available()) {
            throw new Refusal(Main.LEFT_SOMETHING, "needs Linux's /proc; start the JVM with -javaagent:reap-agent.jar instead");
        }
        if (!HotSpotAttach.supported()) {
            throw new Refusal(Main.LEFT_SOMETHING, "needs Java 16 or later to run (it runs on Java "
                    + Runtime.version().feature() + "); the target may be any Java " + OLDEST_JDK + "+");
        }
        File jar = Agent.jar();
        if (jar == null || !jar.isFile()) {
            throw new Refusal(Main.USAGE, "run it from the agent's jar: java -jar reap-agent.jar attach " + pid);
        }
        JvmProcess jvm = checkTarget(pid);
        String name = "JVM " + pid + " (" + jvm.mainClass() + (jvm.version() == null ? "" : ", Java " + jvm.version()) + ")";
        HotSpotAttach vm;
        try {
            vm = HotSpotAttach.connect(pid);
        } catch (IOException e) {
            throw new Refusal(Main.LEFT_SOMETHING, name + " did not answer the attach request (" + e.getMessage()
                    + "); is it still starting, or stopped (SIGSTOP)?");
        }
        try {
            String loaded = vm.systemProperties().getProperty(Agent.LOADED_PROPERTY);
            if (loaded != null) {
                out.println("reap-agent " + loaded + " is already loaded in " + name + "; nothing to do");
                return Main.OK;
            }
            if (jvm.feature() >= WARNS_ON_DYNAMIC_AGENTS && !jvm.flag("EnableDynamicAgentLoading", false)) {
                err.println("reap-agent attach: note: Java " + jvm.feature() + " prints a warning about a dynamically loaded"
                        + " agent (JEP 451) on the stderr of " + name + "; -javaagent:" + jar.getName()
                        + " at its start is the warning-free way");
            }
            vm.loadAgent(jar, options);
            String outcome = vm.systemProperties().getProperty(Agent.ATTACH_PROPERTY);
            if (outcome == null) {
                throw new Refusal(Main.LEFT_SOMETHING, "the agent did not start in " + name + "; see that JVM's stderr");
            }
            if (outcome.startsWith("error: ")) {
                throw new Refusal(Main.USAGE, "the agent did not start in " + name + ": "
                        + outcome.substring("error: ".length()));
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            out.println("attached to " + name + " in " + millis + " ms: " + outcome);
            return Main.OK;
        } catch (IOException e) {
            throw new Refusal(Main.LEFT_SOMETHING, "attaching to " + name + " failed: " + e.getMessage());
        } finally {
            vm.detach();
        }
    }

    private static long parsePid(String text) throws Refusal {
        try {
            long pid = Long.parseLong(text);
            if (pid > 0) {
                return pid;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new Refusal(Main.USAGE, "'" + text + "' is not a PID; usage: " + USAGE);
    }

    /** The options as the agent will read them: a mistake is found here, before the JVM is touched. */
    private static void validate(String options) throws Refusal {
        try {
            ConfigLoader.load(options, new Properties(), Collections.emptyMap());
        } catch (ConfigException e) {
            throw new Refusal(Main.USAGE, e.getMessage());
        }
    }

    /** Everything {@code /proc} can tell before the target is touched. */
    private static JvmProcess checkTarget(long pid) throws Refusal {
        if (pid == ProcessHandle.current().pid()) {
            throw new Refusal(Main.USAGE, pid + " is this command's own JVM; give the PID of the JVM to attach to");
        }
        if (ProcFs.stat(pid) == null) {
            throw new Refusal(Main.USAGE, "no process " + pid + "; java -jar reap-agent.jar attach --list shows the JVMs you can attach to");
        }
        long[] ids = ProcFs.userIds(pid);
        long[] ours = ProcFs.userIds(ProcessHandle.current().pid());
        if (ids != null && ours != null && ids[1] != ours[1] && ours[1] != 0) {
            String owner = owner(pid);
            throw new Refusal(Main.USAGE, "process " + pid + " belongs to user " + owner
                    + "; run attach as that user: sudo -u " + owner + " java -jar reap-agent.jar attach " + pid);
        }
        if (!JvmProcess.inOurPidNamespace(pid)) {
            throw new Refusal(Main.USAGE, "process " + pid + " runs in another PID namespace (a container); run attach"
                    + " inside it, with the PID it has there (docker exec <container> java -jar reap-agent.jar attach <pid>)");
        }
        JvmProcess jvm = JvmProcess.of(pid);
        if (jvm == null) {
            String name = ProcDetails.name(pid);
            throw new Refusal(Main.USAGE, "process " + pid + (name == null ? "" : " (" + name + ")")
                    + " is not a JVM; java -jar reap-agent.jar attach --list shows the JVMs you can attach to");
        }
        if (jvm.openJ9()) {
            throw new Refusal(Main.LEFT_SOMETHING, "JVM " + pid + " is OpenJ9, whose attach protocol this command does not"
                    + " speak; start it with -javaagent:reap-agent.jar instead");
        }
        if (jvm.feature() != 0 && jvm.feature() < OLDEST_JDK) {
            throw new Refusal(Main.LEFT_SOMETHING, "JVM " + pid + " runs Java " + jvm.version() + "; the agent needs Java "
                    + OLDEST_JDK + " or later");
        }
        if (jvm.flag("DisableAttachMechanism", false)) {
            throw new Refusal(Main.LEFT_SOMETHING, "JVM " + pid + " was started with -XX:+DisableAttachMechanism, which refuses"
                    + " every attach; restart it with -javaagent:reap-agent.jar instead");
        }
        return jvm;
    }

    private static String owner(long pid) {
        try {
            return Files.getOwner(Paths.get("/proc", Long.toString(pid))).getName();
        } catch (IOException | RuntimeException e) {
            long[] ids = ProcFs.userIds(pid);
            return ids == null ? "?" : Long.toString(ids[1]);
        }
    }

    static String help() {
        return String.join(System.lineSeparator(),
                "usage: java -jar reap-agent.jar " + USAGE,
                "",
                "Loads the agent into a running JVM of yours, with no restart: from then on it records",
                "every spawn, and it adopts the processes the JVM spawned before (its live children and",
                "their descendants); all are reaped when the JVM ends.",
                "",
                "  key=value   the agent's own options (grace=5s, log=debug, ...; see the README),",
                "              checked before the JVM is touched",
                "  --list      the JVMs of yours that can be attached to, and whether the agent is in them",
                "  --json      (after --list) the same as JSON, for machines",
                "",
                "Java 21 and later print a warning in the target when an agent is loaded this way",
                "(JEP 451); -javaagent:reap-agent.jar at its start is the warning-free way.",
                "",
                "Exit status: 0 attached (or already there), 1 the JVM could not take the agent,",
                "2 usage (a bad option, or a PID that is not a JVM of yours).",
                "");
    }
}
