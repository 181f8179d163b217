package dev.reap.maven;

import dev.reap.agent.config.ConfigException;
import dev.reap.agent.config.ConfigLoader;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Puts the agent on the test JVMs: sets {@code argLine} (or {@link #propertyName}), which Surefire
 * and Failsafe read, keeping what it already holds (JaCoCo's agent, the user's flags). Each fork
 * then writes its report to {@link #reportDirectory} for {@code check}. The options are checked
 * here, with the agent's own messages: a mistake fails the build before any fork starts.
 */
@Mojo(name = "prepare-agent", defaultPhase = LifecyclePhase.INITIALIZE, threadSafe = true)
public class PrepareAgentMojo extends ReapMojo {
    static final String AGENT = "dev.reap:reap-agent";

    @Parameter(property = "plugin.artifactMap", readonly = true, required = true)
    Map<String, Artifact> pluginArtifactMap;

    /** The property the agent's argument goes into; Surefire and Failsafe read {@code argLine}. */
    @Parameter(property = "reap.propertyName", defaultValue = "argLine")
    String propertyName;

    /** {@code reap.grace}: how long each polite signal is given. */
    @Parameter(property = "reap.grace")
    String grace;
    /** {@code reap.signals}: the ladder, such as {@code INT,TERM,KILL}. */
    @Parameter(property = "reap.signals")
    String signals;
    /** {@code reap.exclude}: a regular expression over command lines that are never signalled. */
    @Parameter(property = "reap.exclude")
    String exclude;
    /** {@code reap.scope}: {@code jvm}, or {@code test} to reap when each test ends. */
    @Parameter(property = "reap.scope")
    String scope;
    /** {@code reap.leaks}: {@code warn} at a test's end, or {@code off}. */
    @Parameter(property = "reap.leaks")
    String leaks;
    /** {@code reap.log}: {@code error}, {@code warn}, {@code info}, {@code debug}. */
    @Parameter(property = "reap.log")
    String log;
    /** {@code reap.stacks}: record each spawn's site. */
    @Parameter(property = "reap.stacks")
    String stacks;
    /** {@code reap.tag}: tag children's environment. */
    @Parameter(property = "reap.tag")
    String tag;
    /** {@code reap.cgroup}: {@code auto}, {@code on}, {@code off}. */
    @Parameter(property = "reap.cgroup")
    String cgroup;
    /** {@code reap.watchdog}: a sidecar that reaps when the fork dies without its hooks. */
    @Parameter(property = "reap.watchdog")
    String watchdog;
    /** {@code reap.sweep}: reap what dead sessions left, at the fork's start. */
    @Parameter(property = "reap.sweep")
    String sweep;

    /** Names the report files: {@code <artifactId>-test-<pid>.json}. */
    String reportPrefix() {
        return "test-";
    }

    @Override
    void run() throws MojoExecutionException, MojoFailureException {
        String options = options();
        try {
            // the forks inherit this environment: a bad REAP_GRACE fails here, not in every fork
            ConfigLoader.forOptionsNamed(options, "the plugin's parameter").load(new Properties(), System.getenv());
        } catch (ConfigException e) {
            throw new MojoFailureException("reap: " + e.getMessage());
        }
        File jar = agentJar();
        String argument;
        try {
            argument = AgentArgument.of(jar, options);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("reap: " + e.getMessage());
        }
        Properties properties = project.getProperties();
        String merged = AgentArgument.mergedInto(properties.getProperty(propertyName), jar, argument);
        properties.setProperty(propertyName, merged);
        getLog().info("reap: " + propertyName + " set to " + merged);
    }

    /** A skipped goal leaves the property defined: {@code @{argLine}} in Surefire's configuration must still resolve. */
    @Override
    void skipped() {
        if (project.getProperties().getProperty(propertyName) == null) {
            project.getProperties().setProperty(propertyName, "");
        }
    }

    /** The agent options, {@code key=value,...}, from the parameters set, then the report's path. */
    private String options() {
        Map<String, String> set = new LinkedHashMap<>();
        set.put("grace", grace);
        set.put("signals", signals);
        set.put("exclude", exclude);
        set.put("scope", scope);
        set.put("leaks", leaks);
        set.put("log", log);
        set.put("stacks", stacks);
        set.put("tag", tag);
        set.put("cgroup", cgroup);
        set.put("watchdog", watchdog);
        set.put("sweep", sweep);
        set.put("report", new File(reportDirectory, reportNamePrefix() + reportPrefix() + "%p.json").getAbsolutePath());
        StringBuilder options = new StringBuilder();
        set.forEach((key, value) -> {
            if (value != null && !value.trim().isEmpty()) {
                options.append(options.length() == 0 ? "" : ",").append(key).append('=').append(value.trim());
            }
        });
        return options.toString();
    }

    private File agentJar() throws MojoExecutionException {
        Artifact agent = pluginArtifactMap.get(AGENT);
        if (agent == null || agent.getFile() == null) {
            throw new MojoExecutionException("reap: cannot find its " + AGENT + " among its own artifacts");
        }
        return agent.getFile();
    }
}
