package dev.reap.it.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real JVM started for a test, with or without the built agent jar. */
import static org.assertj.core.api.Assertions.assertThat;

public final class Host {
    /** The jar under test: {@code agent/target/reap-agent.jar}. */
    public static final Path AGENT_JAR = Paths.get(System.getProperty("it.agent.jar", "../agent/target/reap-agent.jar"))
            .toAbsolutePath().normalize();
    private static final String HOSTS = System.getProperty("it.hosts", "target/test-classes");
    private static final String LIBRARIES = System.getProperty("it.host.libraries", "");
    private static final String JUNIT = System.getProperty("it.host.junit", "");

    private final List<String> command;
    private final Map<String, String> environment;
    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> allLines = new ArrayList<>();
    private final long startTicks;

    private Host(List<String> command, Map<String, String> environment, Path stderr) throws IOException {
        this.command = command;
        this.environment = environment;
        this.stderr = stderr;
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("REAP_AGENT_SESSIONS");
        builder.environment().putAll(environment);
        this.process = builder.start();
        this.startTicks = Proc.startTicks(process.pid());
        Thread reader = new Thread(this::readLines, "host-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    public static Builder on(Jdk jdk) {
        return new Builder(jdk);
    }

    private void readLines() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (allLines) {
                    allLines.add(line);
                }
                lines.add(line);
            }
        } catch (IOException ignored) {
            // the host is gone
        }
    }

    public long pid() {
        return process.pid();
    }

    /** The next stdout line, waiting up to {@code bound}. */
    public String nextLine(Duration bound) throws InterruptedException {
        String line = lines.poll(bound.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new AssertionError("no line from the host within " + bound + "; stderr:\n" + stderr());
        }
        return line;
    }

    /**
     * The host's report up to {@code ready}: its {@code <kind> <pid>} lines (what a test host
     * spawned), by kind, in order. Other lines are left out.
     */
    public Map<String, Long> spawned() throws InterruptedException {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String line : linesUntil("ready", Duration.ofSeconds(30))) {
            String[] kindAndPid = line.split(" ");
            if (kindAndPid.length == 2 && kindAndPid[1].matches("[0-9]+")) {
                pids.put(kindAndPid[0], Long.parseLong(kindAndPid[1]));
            }
        }
        return pids;
    }

    /** The one process the host reported spawning before {@code ready}. */
    public long spawnedOne() throws InterruptedException {
        Map<String, Long> pids = spawned();
        assertThat(pids).as("what the host spawned").hasSize(1);
        return pids.values().iterator().next();
    }

    /** Stdout lines up to (not including) {@code marker}. */
    public List<String> linesUntil(String marker, Duration bound) throws InterruptedException {
        List<String> before = new ArrayList<>();
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = lines.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("host did not print '" + marker + "' within " + bound + "; got " + before
                        + "; alive=" + process.isAlive() + "; stderr:\n" + stderr());
            }
            if (line.equals(marker)) {
                return before;
            }
            before.add(line);
        }
    }

    /** Writes one line to the host's stdin. */
    public void send(String line) throws IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** Sends a signal to the host JVM only (not its process group). */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -" + name + " failed");
        }
    }

    /** Sends a signal to the host's whole process group, as a terminal's Ctrl-C or a CI runner does. */
    public void signalGroup(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, "--", "-" + process.pid()).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -" + name + " to the process group failed");
        }
    }

    /** The exit status, waiting up to {@code bound}. */
    public int awaitExit(Duration bound) throws InterruptedException {
        if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("host did not end within " + bound + "; stderr:\n" + stderr());
        }
        return process.exitValue();
    }

    /**
     * The agent session id this host has ({@code <pid>-<start ticks>-<namespace>}), as the agent
     * wrote it into the tag of the processes it spawned: read from the first one found.
     */
    public String sessionId() {
        String pidAndStart = process.pid() + "-" + startTicks;
        for (long pid : Proc.withEnvironment(HostTest.MARK, environment.get(HostTest.MARK))) {
            String tag = Proc.environmentVariable(pid, "REAP_AGENT_SESSIONS");
            for (String id : tag == null ? new String[0] : tag.split(",")) {
                if (id.equals(pidAndStart) || id.startsWith(pidAndStart + "-")) {
                    return id;
                }
            }
        }
        throw new AssertionError("no process of " + this + " carries its session tag");
    }

    public boolean alive() {
        return Proc.alive(process.pid(), startTicks);
    }

    /** Everything the host wrote on stderr so far. */
    public String stderr() {
        try {
            return new String(Files.readAllBytes(stderr), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Everything the host wrote on stdout so far. */
    public List<String> stdout() {
        synchronized (allLines) {
            return new ArrayList<>(allLines);
        }
    }

    @Override
    public String toString() {
        return String.join(" ", command) + " " + environment;
    }

    /** How to start a host. */
    public static final class Builder {
        private final Jdk jdk;
        private final List<String> jvmOptions = new ArrayList<>();
        private final List<String> wrapper = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private boolean libraries;
        private boolean junit;
        private boolean ownProcessGroup;
        private Path directory;

        Builder(Jdk jdk) {
            this.jdk = jdk;
        }

        /** {@code -javaagent:reap-agent.jar[=options]} */
        public Builder agent(String options) {
            jvmOptions.add("-javaagent:" + AGENT_JAR + (options == null || options.isEmpty() ? "" : "=" + options));
            return this;
        }

        public Builder agent() {
            return agent(null);
        }

        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        public Builder env(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /** Puts the hosts' own Byte Buddy and SLF4J (other versions than the agent's) on the class path. */
        public Builder withLibraries() {
            libraries = true;
            return this;
        }

        /** Puts the JUnit Platform launcher and Jupiter on the class path, for {@code JUnitHost}. */
        public Builder withJUnit() {
            junit = true;
            return this;
        }

        /** Starts the host as the leader of a process group of its own, for {@link Host#signalGroup}. */
        public Builder ownProcessGroup() {
            ownProcessGroup = true;
            return this;
        }

        /**
         * Runs the JVM under {@code command} (say {@code unshare --pid --fork --mount-proc}), which
         * must end by running its arguments; {@link Host#pid()} is then the wrapper's.
         */
        public Builder wrappedIn(String... command) {
            wrapper.addAll(Arrays.asList(command));
            return this;
        }

        /** Where stderr is captured. */
        public Builder in(Path directory) {
            this.directory = directory;
            return this;
        }

        public Host start(Class<?> main, String... args) throws IOException {
            return launch(main.getName(), args);
        }

        /** Runs one of the hosts kept as source ({@code src/test/resources/hosts}) with the source launcher. */
        public Host startSource(String fileName, String... args) throws IOException {
            return launch(Paths.get(HOSTS, "hosts", fileName).toString(), args);
        }

        private Host launch(String main, String... args) throws IOException {
            List<String> command = new ArrayList<>(wrapper);
            // The host must see SIGINT (a CI shell may start the build with it ignored, and the
            // JVM then never reacts to it): perl resets it and execs, keeping the PID.
            if (new File("/usr/bin/perl").canExecute()) {
                command.addAll(Arrays.asList("/usr/bin/perl", "-e", "$SIG{INT}='DEFAULT'; "
                        + (ownProcessGroup ? "setpgrp(0, 0) or die \"setpgrp: $!\"; " : "")
                        + "exec @ARGV or die \"exec: $!\"", "--"));
            } else if (ownProcessGroup) {
                throw new IllegalStateException("a host of its own process group needs /usr/bin/perl");
            }
            command.add(jdk.java());
            command.add("-Xshare:auto");
            command.addAll(jvmOptions);
            command.add("-cp");
            command.add(HOSTS + (libraries ? File.pathSeparator + LIBRARIES : "") + (junit ? File.pathSeparator + JUNIT : ""));
            command.add(main);
            command.addAll(Arrays.asList(args));
            Path dir = directory != null ? directory : Files.createTempDirectory("reap-it");
            return new Host(command, environment, Files.createTempFile(dir, "host", ".stderr"));
        }
    }
}
