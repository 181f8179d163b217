package dev.reap.agent.attach;

import dev.reap.agent.proc.ProcEnviron;
import dev.reap.agent.proc.ProcFs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipFile;

/**
 * What {@code /proc} tells of a running JVM before anyone attaches to it: where its JDK lives and
 * which version it is, its main class, and the flags that decide how an attach goes. Read without
 * touching the JVM itself: no signal, no attach listener woken.
 */
public final class JvmProcess {
    /** Launcher options followed by a value of their own, skipped when looking for the main class. */
    private static final Set<String> OPTIONS_WITH_VALUE = Set.of("-cp", "-classpath", "--class-path", "-p",
            "--module-path", "--upgrade-module-path", "--add-modules", "--limit-modules", "--add-reads",
            "--add-exports", "--add-opens", "--patch-module", "--source", "--enable-native-access");
    /** Where a JVM's options come from besides its command line. */
    private static final String[] OPTION_VARIABLES = {"JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"};
    private static final String AGENT_CLASS_ENTRY = "dev/reap/agent/Agent.class";

    private final long pid;
    private final Path javaHome;
    private final String version;
    private final List<String> arguments;
    private final List<String> options;

    private JvmProcess(long pid, Path javaHome, String version, List<String> arguments, List<String> options) {
        this.pid = pid;
        this.javaHome = javaHome;
        this.version = version;
        this.arguments = arguments;
        this.options = options;
    }

    /**
     * The JVM running as {@code pid}, or null when that process is not a JVM (no {@code libjvm.so}
     * in its memory map) or cannot be read (gone, or not ours).
     */
    public static JvmProcess of(long pid) {
        Path libjvm = libjvm(pid);
        List<String> arguments = ProcFs.arguments(pid);
        if (libjvm == null || arguments == null) {
            return null;
        }
        // <home>/lib/server/libjvm.so (also <home>/jre/lib/amd64/server/libjvm.so on Java 8)
        Path home = libjvm.getParent().getParent().getParent();
        if (home.getFileName() != null && home.getFileName().toString().equals("lib")) {
            home = home.getParent().getParent();
        }
        List<String> options = new ArrayList<>(arguments.subList(1, arguments.size()));
        for (String variable : OPTION_VARIABLES) {
            String value = ProcEnviron.variable(pid, variable);
            if (value != null) {
                for (String option : value.trim().split("\\s+")) {
                    options.add(option);
                }
            }
        }
        return new JvmProcess(pid, home, releaseVersion(home), arguments, options);
    }

    /**
     * True when {@code pid} runs in this process's PID namespace (or that cannot be read: the
     * attach itself then says what is wrong); a JVM in a container's namespace must be attached
     * from inside it, by the PID it has there.
     */
    public static boolean inOurPidNamespace(long pid) {
        try {
            Path ours = Files.readSymbolicLink(Paths.get("/proc/self/ns/pid"));
            Path theirs = Files.readSymbolicLink(Paths.get("/proc", Long.toString(pid), "ns", "pid"));
            return ours.equals(theirs);
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** The path of the {@code libjvm.so} mapped into {@code pid}, or null. */
    private static Path libjvm(long pid) {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc", Long.toString(pid), "maps"), StandardCharsets.UTF_8)) {
                int slash = line.indexOf('/');
                if (slash > 0 && line.endsWith("/libjvm.so")) {
                    return Paths.get(line.substring(slash));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not ours to read
        }
        return null;
    }

    /** {@code JAVA_VERSION} from {@code <home>/release}: {@code 17.0.13}; null when unknown. */
    private static String releaseVersion(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"), StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    return line.substring("JAVA_VERSION=".length()).replace("\"", "").trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // a JDK without a release file: version unknown
        }
        return null;
    }

    public long pid() { return pid; }

    public Path javaHome() { return javaHome; }

    /** {@code 17.0.13}, or null when unknown. */
    public String version() { return version; }

    /** The feature release ({@code 8}, {@code 17}, {@code 25}), or 0 when unknown. */
    public int feature() {
        if (version == null) {
            return 0;
        }
        String v = version.startsWith("1.") ? version.substring(2) : version;
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        try {
            return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** True for Eclipse OpenJ9, whose attach protocol is not HotSpot's. */
    public boolean openJ9() {
        return Files.isDirectory(javaHome.resolve("lib/j9vm")) || Files.isDirectory(javaHome.resolve("jre/lib/amd64/j9vm"));
    }

    /**
     * The value of a boolean {@code -XX} flag as given on its command line or in the launcher's
     * environment variables (the last one wins, as for the JVM), or {@code otherwise}.
     */
    public boolean flag(String name, boolean otherwise) {
        return flag(options, name, otherwise);
    }

    static boolean flag(List<String> options, String name, boolean otherwise) {
        boolean value = otherwise;
        for (String option : options) {
            if (option.equals("-XX:+" + name)) {
                value = true;
            } else if (option.equals("-XX:-" + name)) {
                value = false;
            }
        }
        return value;
    }

    /** {@code com.acme.Main}, {@code app.jar} (for {@code -jar}), {@code module/class}; "?" when none is found. */
    public String mainClass() {
        return mainClass(arguments);
    }

    /** The main class named by a {@code java} command line, {@code argv[0]} first. */
    static String mainClass(List<String> arguments) {
        for (int i = 1; i < arguments.size(); i++) {
            String a = arguments.get(i);
            if (a.equals("-jar") || a.equals("-m") || a.equals("--module")) {
                return i + 1 < arguments.size() ? arguments.get(i + 1) : "?";
            }
            if (OPTIONS_WITH_VALUE.contains(a)) {
                i++;
            } else if (!a.startsWith("-") && !a.startsWith("@")) {
                return a;
            }
        }
        return "?";
    }

    /**
     * True when the agent's jar is open in the JVM: it was loaded by {@code -javaagent} or an
     * attach, either of which keeps its jar open. (A copy that is merely on its class path and was
     * searched counts too: rare outside the agent's own tests.)
     */
    public boolean agentJarOpen() {
        Path fds = Paths.get("/proc", Long.toString(pid), "fd");
        try (java.util.stream.Stream<Path> links = Files.list(fds)) {
            for (Path link : (Iterable<Path>) links::iterator) {
                Path target;
                try {
                    target = Files.readSymbolicLink(link);
                } catch (IOException e) {
                    continue;
                }
                if (target.toString().endsWith(".jar") && holdsAgent(target)) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not ours to read
        }
        return false;
    }

    private static boolean holdsAgent(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.getEntry(AGENT_CLASS_ENTRY) != null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
