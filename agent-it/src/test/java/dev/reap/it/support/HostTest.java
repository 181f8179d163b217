package dev.reap.it.support;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Base of the tests that start hosts. Every host (and so everything it spawns) carries a mark
 * in its environment; after each test nothing with the mark may be alive. Whatever is, is
 * killed, and the test fails: the suite never leaves a process behind.
 */
public abstract class HostTest {
    public static final String MARK = "REAP_IT_MARK";

    protected final String mark = UUID.randomUUID().toString();

    @TempDir
    protected Path dir;

    protected Host.Builder host(Jdk jdk) {
        return Host.on(jdk).env(MARK, mark).in(dir);
    }

    @AfterEach
    void nothingLeftBehind() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        List<Long> left = Proc.withEnvironment(MARK, mark);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            left = Proc.withEnvironment(MARK, mark);
        }
        Proc.end(left);
        assertThat(left).as("processes this test left behind (now killed)").isEmpty();
    }

    /** Waits for a condition up to a bound. */
    public static boolean eventually(Duration bound, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    protected static String read(Path file) {
        return readFile(file);
    }

    /** The file's text, or "" when it is missing. */
    public static String readFile(Path file) {
        try {
            return new String(java.nio.file.Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
