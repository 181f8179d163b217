package dev.reap.agent;

import dev.reap.agent.config.Config;
import dev.reap.agent.config.ConfigException;
import dev.reap.agent.config.ConfigLoader;
import dev.reap.agent.log.Log;
import dev.reap.agent.log.LogLevel;
import dev.reap.agent.proc.Privileged;
import dev.reap.agent.sweep.StartupSweep;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.net.URL;
import java.security.CodeSource;

/**
 * The agent's entry, for {@code -javaagent} (premain) and attach (agentmain), and its only global:
 * the {@link AgentRuntime} that owns every part.
 *
 * <p>Start-up does only what must happen before {@code main}: validate the configuration (a
 * mistake stops the JVM, like a bad {@code -XX} flag), hook {@code ProcessBuilder} and start the
 * sweep. Everything else is set up by the runtime at the host's first spawn. (Setting up on a
 * thread of its own while {@code main} starts was measured: no faster on two cores, where the JIT
 * already uses the other one.) A second load in the same JVM is a no-op, with one warning when it
 * has options of its own.
 */
public final class Agent {
    /** Guarded by the class. */
    private static boolean loaded;
    /** Guarded by Agent.class: the options of the load that took effect. */
    private static String loadedOptions;
    /** The agent running in this JVM; null when none is (or it is disabled). */
    private static volatile AgentRuntime running;
    /**
     * Set in a JVM the agent is loaded into, to its version: how {@code attach} tells that a JVM
     * has it already ({@code jcmd <pid> VM.system_properties} shows it too). Outside
     * {@code reap.*}, whose unknown keys are configuration errors.
     */
    public static final String LOADED_PROPERTY = "dev.reap.agent";
    /** What the last attach did, for the attach CLI to read back: the session and what was adopted, or the error. */
    public static final String ATTACH_PROPERTY = "dev.reap.agent.attach";
    /** The exit status for a configuration error, as for the CLI. */
    static final int CONFIGURATION_ERROR = 2;

    private Agent() {
    }

    public static void premain(String options, Instrumentation instrumentation) {
        start(options, instrumentation, true);
    }

    public static void agentmain(String options, Instrumentation instrumentation) {
        start(options, instrumentation, false);
    }

    private static void start(String options, Instrumentation instrumentation, boolean atJvmStart) {
        String missing = System.getSecurityManager() == null ? null : Privileged.missingPermission();
        if (missing != null) {
            // the host starts, without the agent: its policy decides, not us
            Log.line("error: the agent is off: a SecurityManager is installed and the agent's jar lacks " + missing
                    + "; to run it, grant it in the policy: grant codeBase \"file:" + jarPath()
                    + "\" { permission java.security.AllPermission; };");
            return;
        }
        ConfigLoader loader;
        Config config;
        synchronized (Agent.class) {
            if (loaded) {
                if (!String.valueOf(options).trim().isEmpty() && !String.valueOf(options).equals(String.valueOf(loadedOptions))) {
                    Log.line("warning: the agent is loaded a second time (JAVA_TOOL_OPTIONS and -javaagent, say); its "
                            + "options '" + options + "' are ignored, the first load's ('" + (loadedOptions == null ? ""
                            : loadedOptions) + "') stand: give the options once");
                }
                return;
            }
            try {
                loader = ConfigLoader.forAgentOptions(options);
                config = loader.load(System.getProperties(), System.getenv());
                String refused = AgentRuntime.cgroupRefused(config);
                if (refused != null) {
                    throw new ConfigException(refused);
                }
            } catch (ConfigException e) {
                Log.line("error: " + e.getMessage());
                if (atJvmStart) {
                    // Like a bad -XX flag: the JVM does not start with a configuration it would misread.
                    System.exit(CONFIGURATION_ERROR);
                }
                // the attach CLI reads this back; a corrected attach may try again
                System.setProperty(ATTACH_PROPERTY, "error: " + e.getMessage());
                return;
            }
            loaded = true;
            loadedOptions = options;
            System.setProperty(LOADED_PROPERTY, version() + (config.enabled() ? "" : " (disabled)"));
        }
        Log.setLevel(config.log());
        if (!config.enabled()) {
            AgentRuntime.debug("disabled (reap.enabled=false)");
            if (!atJvmStart) {
                System.setProperty(ATTACH_PROPERTY, "disabled (reap.enabled=false)");
            }
            return;
        }
        AgentRuntime runtime = new AgentRuntime(config, loader, jar());
        runtime.hook(instrumentation);
        running = runtime;
        if (config.sweep()) {
            StartupSweep.start(config);
        }
        if (!atJvmStart) {
            adopt(runtime);
        }
    }

    /** At attach: adopt what the JVM spawned before, and say so in its stderr and to the CLI. */
    private static void adopt(AgentRuntime runtime) {
        int adopted = runtime.adopt();
        String outcome = adopted < 0 ? "another copy of the agent hooks this JVM; nothing to do"
                : "session " + runtime.sessionId() + "; adopted " + adopted
                + (adopted == 1 ? " process" : " processes") + " spawned before attach";
        System.setProperty(ATTACH_PROPERTY, outcome);
        if (Log.level().allows(LogLevel.INFO)) {
            Log.line("attached: " + outcome);
        }
    }

    /**
     * The agent running in this JVM, for its JUnit listener; null when none is (the jar merely on
     * a class path, or disabled). No other type of the agent's is in this class's signatures: the
     * JVM loads them all to call {@code premain}.
     */
    public static AgentRuntime running() {
        return running;
    }

    /** The agent jar's path, or a placeholder where even that is denied. */
    private static String jarPath() {
        try {
            File jar = jar();
            return jar == null ? "/path/to/reap-agent.jar" : jar.getPath();
        } catch (SecurityException e) {
            return "/path/to/reap-agent.jar";
        }
    }

    /**
     * Where the agent's code is: the jar the watchdog runs from and the CLI attaches (in the
     * agent's own tests, its classes directory); null when unknown.
     */
    public static File jar() {
        try {
            CodeSource source = Agent.class.getProtectionDomain().getCodeSource();
            URL location = source == null ? null : source.getLocation();
            if (location == null || !"file".equals(location.getProtocol())) {
                return null;
            }
            // the path as it is when nothing in it is escaped (the usual case): parsing a URI costs
            // a cold JVM milliseconds
            String path = location.getPath();
            File file = path.indexOf('%') < 0 ? new File(path) : new File(location.toURI());
            return file.exists() ? file : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** The agent's version, from its jar's manifest. */
    private static String version() {
        String v = Agent.class.getPackage().getImplementationVersion();
        return v != null ? v : "development build";
    }
}
