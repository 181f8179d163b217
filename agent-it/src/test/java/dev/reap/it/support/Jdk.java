package dev.reap.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assumptions.abort;

/**
 * A JDK the integration tests launch hosts on. The suite runs on every major version in
 * {@link #WANTED} that the machine has (the JDK running the tests, {@code /usr/lib/jvm/*}, or
 * {@code REAP_IT_JDKS=/path:/path}); one that is absent is skipped with a message.
 */
public final class Jdk {
    public static final List<Integer> WANTED = List.of(17, 25);
    /** For {@code @MethodSource(Jdk.EVERY)}: one run per wanted major version. */
    public static final String EVERY = "dev.reap.it.support.Jdk#wanted";

    private final int major;
    private final Path home;

    private Jdk(int major, Path home) {
        this.major = major;
        this.home = home;
    }

    /** The major versions to run on (see {@link #EVERY}). */
    public static List<Integer> wanted() {
        return WANTED;
    }

    public int major() { return major; }

    public Path home() { return home; }

    public String java() {
        return home.resolve("bin").resolve("java").toString();
    }

    @Override
    public String toString() {
        return "JDK " + major;
    }

    /** The JDK of that major version, or an aborted (skipped) test saying it is absent. */
    public static Jdk require(int major) {
        Optional<Jdk> jdk = find(major);
        if (jdk.isEmpty()) {
            abort("JDK " + major + " not found (looked at java.home, /usr/lib/jvm and REAP_IT_JDKS): skipped");
        }
        return jdk.get();
    }

    /** The JDK that runs the tests. */
    public static Jdk current() {
        Path home = Paths.get(System.getProperty("java.home"));
        return new Jdk(majorOf(home), home);
    }

    public static Optional<Jdk> find(int major) {
        for (Path home : candidates()) {
            if (Files.isExecutable(home.resolve("bin/java")) && majorOf(home) == major) {
                return Optional.of(new Jdk(major, home));
            }
        }
        return Optional.empty();
    }

    private static List<Path> candidates() {
        List<Path> homes = new ArrayList<>();
        String listed = System.getenv("REAP_IT_JDKS");
        if (listed != null) {
            for (String p : listed.split(":")) {
                if (!p.isEmpty()) {
                    homes.add(Paths.get(p));
                }
            }
        }
        homes.add(Paths.get(System.getProperty("java.home")));
        Path jvms = Paths.get("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(jvms)) {
                for (Path d : dirs) {
                    homes.add(d);
                }
            } catch (IOException ignored) {
                // no more candidates
            }
        }
        return homes;
    }

    private static int majorOf(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"), StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    String first = v.split("[.+-]")[0];
                    return Integer.parseInt(first.equals("1") ? v.split("\\.")[1] : first);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not a JDK we can tell the version of
        }
        return -1;
    }
}
