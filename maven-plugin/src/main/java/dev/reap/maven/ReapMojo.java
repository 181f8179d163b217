package dev.reap.maven;

import dev.reap.agent.config.Key;
import dev.reap.agent.config.Spelling;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.model.Plugin;
import org.apache.maven.model.PluginExecution;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.MojoDescriptor;
import org.apache.maven.plugin.descriptor.Parameter;
import org.apache.maven.project.MavenProject;
import org.codehaus.plexus.util.xml.Xpp3Dom;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** What every goal shares: the project, {@code skip}, where the forks' reports go, and a check of the configuration's names. */
abstract class ReapMojo extends AbstractMojo {
    @org.apache.maven.plugins.annotations.Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    @org.apache.maven.plugins.annotations.Parameter(defaultValue = "${mojoExecution}", readonly = true, required = true)
    MojoExecution execution;

    @org.apache.maven.plugins.annotations.Parameter(defaultValue = "${session}", readonly = true, required = true)
    MavenSession session;

    /** Skips the goal: no agent on the forks, no check. */
    @org.apache.maven.plugins.annotations.Parameter(property = "reap.skip", defaultValue = "false")
    boolean skip;

    /** Where the forks write their reports (one per JVM) and {@code check} reads them. */
    @org.apache.maven.plugins.annotations.Parameter(property = "reap.reportDirectory", defaultValue = "${project.build.directory}/reap")
    File reportDirectory;

    /**
     * What fails the build in {@code check}: {@code never}; {@code kill}, a process needed SIGKILL
     * or survived it; {@code leak}, any process was left. Every goal checks it, so that a mistake
     * fails before the tests run.
     */
    @org.apache.maven.plugins.annotations.Parameter(property = "reap.failOn", defaultValue = "never")
    String failOn;

    enum FailOn { NEVER, KILL, LEAK }

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("reap: skipped");
            skipped();
            return;
        }
        String unknown = unknownParameter();
        if (unknown != null) {
            throw new MojoFailureException(unknown);
        }
        failOn();
        warnOfMisspeltProperties();
        run();
    }

    /**
     * A {@code -Dreap.grce=5s} reaches neither a parameter nor the agent (the forks get it after the
     * agent has read its configuration): one warning when it is near a name that would have.
     */
    private void warnOfMisspeltProperties() {
        List<String> known = new ArrayList<>(List.of("reap.skip", "reap.failOn", "reap.reportDirectory", "reap.propertyName"));
        for (Key key : Key.values()) {
            known.add(key.property());
        }
        for (String name : session.getUserProperties().stringPropertyNames()) {
            if (name.startsWith(Key.PREFIX) && !known.contains(name)) {
                String near = Spelling.nearest(name, known);
                if (near != null) {
                    getLog().warn("reap: -D" + name + " names nothing of reap-agent's or its plugin's: did you mean -D" + near + "?");
                }
            }
        }
    }

    FailOn failOn() throws MojoFailureException {
        try {
            return FailOn.valueOf(failOn.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("reap: failOn='" + failOn + "' is not one of never, kill, leak");
        }
    }

    /**
     * The start of this module's report files' names: the reports of several modules may share a
     * directory ({@code -Dreap.reportDirectory}), and each module's {@code check} reads its own.
     */
    String reportNamePrefix() {
        return project.getArtifactId() + "-";
    }

    abstract void run() throws MojoExecutionException, MojoFailureException;

    /** What a skipped goal still does. */
    void skipped() {
    }

    /**
     * Maven drops a configuration element no goal has (3.8 says nothing, 3.9 a warning among many):
     * a misspelt {@code <grce>} would leave the agent at its default unnoticed. Null when every name is known.
     */
    private String unknownParameter() {
        TreeSet<String> known = new TreeSet<>();
        for (MojoDescriptor mojo : execution.getMojoDescriptor().getPluginDescriptor().getMojos()) {
            for (Parameter parameter : mojo.getParameters() == null ? List.<Parameter>of() : mojo.getParameters()) {
                known.add(parameter.getName());
                if (parameter.getAlias() != null) {
                    known.add(parameter.getAlias());
                }
            }
        }
        for (Xpp3Dom configuration : configurations()) {
            for (Xpp3Dom child : configuration.getChildren()) {
                if (!known.contains(child.getName())) {
                    String near = Spelling.nearest(child.getName(), new ArrayList<>(known));
                    return "reap: reap-maven-plugin has no parameter <" + child.getName() + ">"
                            + (near != null ? ": did you mean <" + near + ">?" : "; it has " + String.join(", ", known));
                }
            }
        }
        return null;
    }

    /** This plugin's configuration in the project, for all its goals and for this execution. */
    private List<Xpp3Dom> configurations() {
        List<Xpp3Dom> found = new ArrayList<>();
        Plugin plugin = project.getPlugin(execution.getGroupId() + ":" + execution.getArtifactId());
        if (plugin == null) {
            return found;
        }
        if (plugin.getConfiguration() instanceof Xpp3Dom) {
            found.add((Xpp3Dom) plugin.getConfiguration());
        }
        for (PluginExecution pe : plugin.getExecutions()) {
            if (pe.getId().equals(execution.getExecutionId()) && pe.getConfiguration() instanceof Xpp3Dom) {
                found.add((Xpp3Dom) pe.getConfiguration());
            }
        }
        return found;
    }
}
