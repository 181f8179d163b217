package dev.reap.it.support;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real Maven builds of the sample projects under {@code src/it}, on a chosen JDK, with a local
 * repository of their own under {@code target/} (as JaCoCo's invoker tests do): the agent is
 * installed there, never into the user's repository. The user's repository is offered to them as
 * a remote one (global settings under {@code target/}, so the user's own settings still apply),
 * so they copy what it holds and fetch from Maven Central only the rest. Each build carries the
 * test's mark.
 */
public final class Maven {
    private static boolean agentInstalled;
    private static boolean pluginInstalled;

    private Maven() {
    }

    /** {@code mvn} of the running build (maven.home), else the first on the PATH; aborts the test without one. */
    public static String command() {
        String home = System.getProperty("it.maven.home");
        if (home != null && new File(home, "bin/mvn").canExecute()) {
            return new File(home, "bin/mvn").getPath();
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, "mvn").canExecute()) {
                return new File(dir, "mvn").getPath();
            }
        }
        Assumptions.abort("no mvn found (maven.home or PATH): the real build cannot run");
        return null;
    }

    /** {@code mvn -B <args>} in {@code project} on {@code jdk}, output to {@code log}, not yet waited for. */
    public static ProcessBuilder build(Jdk jdk, Path project, Path log, String mark, String... args) {
        return build(null, jdk, project, log, mark, args);
    }

    /** As {@link #build(Jdk, Path, Path, String, String...)} with {@code mvn} (null: the running build's). */
    public static ProcessBuilder build(String mvn, Jdk jdk, Path project, Path log, String mark, String... args) {
        List<String> command = new ArrayList<>(List.of(mvn != null ? mvn : command(), "-B", "-nsu"));
        String repo = System.getProperty("it.maven.repo");
        if (repo != null && !repo.isEmpty()) {
            command.add("-Dmaven.repo.local=" + repo);
            command.add("-gs");
            command.add(globalSettings(Path.of(repo)).toString());
        }
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put(HostTest.MARK, mark);
        builder.environment().put("JAVA_HOME", jdk.home().toString());
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("MAVEN_OPTS");
        builder.environment().remove("REAP_AGENT_SESSIONS");
        return builder;
    }

    /** Settings that offer the user's local repository as a remote one, beside Maven Central. */
    private static synchronized Path globalSettings(Path repo) {
        Path file = repo.resolveSibling("it-settings.xml");
        String user = System.getProperty("it.maven.user.repo", "");
        String repository = user.isEmpty() || !new File(user).isDirectory() ? ""
                : "<id>user-repository</id><url>" + new File(user).toURI() + "</url>"
                + "<releases><enabled>true</enabled></releases><snapshots><enabled>false</enabled></snapshots>";
        String settings = "<settings><profiles><profile><id>user-repository</id>"
                + (repository.isEmpty() ? "" : "<repositories><repository>" + repository + "</repository></repositories>"
                + "<pluginRepositories><pluginRepository>" + repository + "</pluginRepository></pluginRepositories>")
                + "</profile></profiles><activeProfiles><activeProfile>user-repository</activeProfile></activeProfiles></settings>\n";
        try {
            Files.createDirectories(repo);
            Files.write(file, settings.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file;
    }

    /**
     * Puts the agent jar just built into the samples' local repository as {@code dev.reap:reap-agent}
     * of this build's version, as {@code mvn install} would: the samples then take it exactly as the
     * README says, through the dependency plugin's properties goal. Once per test JVM.
     */
    public static synchronized void installAgent(Path dir) throws IOException, InterruptedException {
        if (agentInstalled) {
            return;
        }
        String version = System.getProperty("it.agent.version", "0.1.0-SNAPSHOT");
        install(dir, "-Dfile=" + Host.AGENT_JAR.toAbsolutePath(), "-DgroupId=dev.reap", "-DartifactId=reap-agent",
                "-Dversion=" + version, "-Dpackaging=jar", "-DgeneratePom=true");
        agentInstalled = true;
    }

    /** The agent, then the Maven plugin just built and the parent POM it names, into the samples' repository. Once per test JVM. */
    public static synchronized void installPlugin(Path dir) throws IOException, InterruptedException {
        if (pluginInstalled) {
            return;
        }
        installAgent(dir);
        Path parent = Path.of(System.getProperty("it.parent.pom", "../pom.xml")).toAbsolutePath();
        install(dir, "-Dfile=" + parent, "-DpomFile=" + parent, "-Dpackaging=pom");
        Path plugin = Path.of(System.getProperty("it.plugin.jar", "")).toAbsolutePath();
        assertThat(plugin).as("the Maven plugin is built (it.plugin.jar)").isRegularFile();
        install(dir, "-Dfile=" + plugin, "-DpomFile=" + System.getProperty("it.plugin.pom"));
        pluginInstalled = true;
    }

    private static void install(Path dir, String... args) throws IOException, InterruptedException {
        Path log = dir.resolve("install.log");
        List<String> all = new ArrayList<>(List.of("-q", "org.apache.maven.plugins:maven-install-plugin:3.1.3:install-file"));
        all.addAll(List.of(args));
        Process p = build(Jdk.current(), dir, log, "install", all.toArray(new String[0])).start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("install-file: %s", HostTest.readFile(log)).isZero();
    }

    /** A fresh copy of a sample project. */
    public static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        return to;
    }
}
